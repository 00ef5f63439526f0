// How a prepared statement reaches a table on the plan its connection has cached for it: for tests
// that a hot statement reads the rows it names, not the table, however the table has grown since
// the plan was made. The statement runs (EXPLAIN ANALYZE) inside a transaction that is rolled back.

/** A statement as sent: its $n text and values (what Prisma.sql makes). */
interface SentStatement {
  text: string;
  values: unknown[];
}

/** One scan of the table in a plan: the node and its index, and the rows it read (returned and filtered out). */
export interface TableScan {
  how: string;
  rowsRead: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

const literal = (v: unknown): string =>
  Array.isArray(v)
    ? `ARRAY[${v.map(literal).join(', ')}]::text[]`
    : v === null || v === undefined
      ? 'NULL'
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : `'${String(v instanceof Date ? v.toISOString() : v).replace(/'/g, "''")}'`;

function scansIn(plan: PlanNode, table: string): TableScan[] {
  const own =
    plan['Relation Name'] === table && plan['Node Type'].endsWith('Scan')
      ? [
          {
            how: `${plan['Node Type']}${plan['Index Name'] ? ` using ${plan['Index Name']}` : ''}`,
            rowsRead:
              ((plan['Actual Rows'] ?? 0) + (plan['Rows Removed by Filter'] ?? 0) + (plan['Rows Removed by Index Recheck'] ?? 0)) *
              (plan['Actual Loops'] ?? 1),
          },
        ]
      : [];
  return [...own, ...(plan.Plans ?? []).flatMap((p) => scansIn(p, table))];
}

/** The prepared statements a client sent, and how their cached plans reach a table. */
export interface StatementPlans {
  /**
   * Every statement prepared on the client's connection that mentions `table` and that the client
   * sent since it was watched, with the scans of `table` its cached plan makes run with its last values.
   */
  scansOf(table: string): Promise<Array<{ statement: string; scans: TableScan[] }>>;
}

/**
 * Watches a direct-sql client (`query` and `execute` taking a statement's text and values, as
 * `directSql` answers): each statement's last values are kept, to explain it with later on the same
 * connection (a client of one connection: prepared statements are the connection's).
 */
export function watchStatementPlans(client: object): StatementPlans {
  const last = new Map<string, unknown[]>();
  const sends = client as Partial<Record<'query' | 'execute', (sql: SentStatement) => unknown>>;
  if (!sends.query) throw new Error('watchStatementPlans needs a direct-sql client: its query(sql) sends a statement');
  const query = sends.query.bind(client) as (sql: SentStatement) => Promise<Array<Record<string, unknown>>>;
  for (const method of ['query', 'execute'] as const) {
    const send = sends[method];
    if (!send) continue;
    sends[method] = (sql: SentStatement) => {
      last.set(sql.text, sql.values);
      return send.call(client, sql);
    };
  }
  const run = (text: string) => query({ text, values: [] });
  return {
    async scansOf(table) {
      const prepared = (await run(`SELECT name, statement FROM pg_prepared_statements`)) as Array<{ name: string; statement: string }>;
      const out: Array<{ statement: string; scans: TableScan[] }> = [];
      for (const p of prepared) {
        const args = last.get(p.statement);
        if (!args || !p.statement.includes(table)) continue;
        await run('BEGIN');
        try {
          const [row] = await run(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${p.name}(${args.map(literal).join(', ')})`);
          const [{ Plan }] = row['QUERY PLAN'] as Array<{ Plan: PlanNode }>;
          out.push({ statement: p.statement.replace(/\s+/g, ' ').trim().slice(0, 70), scans: scansIn(Plan, table) });
        } finally {
          await run('ROLLBACK');
        }
      }
      return out;
    },
  };
}
