/**
 * Names for the statements worth preparing once per connection. A statement sent without a name
 * is parsed, analysed and planned again every time; for the engine's checkpoint and run-finish
 * statements (CTEs over json_to_recordset with ON CONFLICT) that was most of Postgres' CPU per
 * run, and a named statement pays it once per connection (then Postgres reuses the analysed query
 * and, where its cost model says the plan does not depend on the values, the plan too).
 *
 * Only data statements that recur are named: a text is named on its `REPEATS`th sighting, so a
 * one-off query does not stay prepared on every connection. Both the texts counted and the texts
 * named are bounded: a server keeps each named statement per connection for the connection's life,
 * so statements whose text varies with their input (an IN list of n parameters) must not pile up.
 */
const REPEATS = 3;
const MAX_NAMED = 200;
const MAX_COUNTED = 2_000;

// statements that are not plain data statements (BEGIN, COMMIT, SAVEPOINT, SET, DEALLOCATE ...) stay unnamed
const DATA_STATEMENT = /^\s*\(?\s*(?:select|insert|update|delete|with)\b/i;

export class PreparedStatementNames {
  private readonly named = new Map<string, string>();
  private readonly seen = new Map<string, number>();

  /** The statement's name, or undefined to send it unnamed. */
  nameFor(sql: string): string | undefined {
    const name = this.named.get(sql);
    if (name !== undefined || this.named.size >= MAX_NAMED || !DATA_STATEMENT.test(sql)) return name;
    const count = (this.seen.get(sql) ?? 0) + 1;
    if (count < REPEATS) {
      if (this.seen.size >= MAX_COUNTED) this.seen.clear();
      this.seen.set(sql, count);
      return undefined;
    }
    this.seen.delete(sql);
    const next = `shoal_${this.named.size + 1}`;
    this.named.set(sql, next);
    return next;
  }
}
