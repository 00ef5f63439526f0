import { PreparedStatementNames } from './prepared-statement-names';

describe('PreparedStatementNames', () => {
  const hot = 'SELECT id FROM workflow_runs WHERE id = $1';

  it('names a data statement once it recurs, and the same text always gets the same name', () => {
    const names = new PreparedStatementNames();
    expect(names.nameFor(hot)).toBeUndefined();
    expect(names.nameFor(hot)).toBeUndefined();
    const name = names.nameFor(hot);
    expect(name).toEqual(expect.any(String));
    expect(names.nameFor(hot)).toBe(name);
    expect(names.nameFor(' WITH held AS (SELECT 1) SELECT 2')).toBeUndefined();
  });

  it('gives different texts different names', () => {
    const names = new PreparedStatementNames();
    const other = 'UPDATE workflow_runs SET last_event_seq = $1 WHERE id = $2';
    for (let i = 0; i < 3; i++) names.nameFor(hot);
    for (let i = 0; i < 3; i++) names.nameFor(other);
    expect(names.nameFor(other)).not.toBe(names.nameFor(hot));
  });

  it('never names transaction control or other utility statements', () => {
    const names = new PreparedStatementNames();
    for (const sql of ['BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT s1', 'DEALLOCATE ALL']) {
      for (let i = 0; i < 5; i++) expect(names.nameFor(sql)).toBeUndefined();
    }
  });

  it('stops naming new texts once its bound is reached, and keeps the names it gave', () => {
    const names = new PreparedStatementNames();
    const given: string[] = [];
    for (let n = 0; n < 1_000; n++) {
      const sql = `SELECT id FROM workflow_runs WHERE id IN (${Array.from({ length: n + 1 }, (_, i) => `$${i + 1}`).join(',')})`;
      let name: string | undefined;
      for (let i = 0; i < 3; i++) name = names.nameFor(sql);
      if (name) given.push(name);
    }
    expect(given.length).toBeGreaterThan(0);
    expect(given.length).toBeLessThan(1_000);
    expect(new Set(given).size).toBe(given.length);
    for (let i = 0; i < 3; i++) names.nameFor(hot);
    expect(names.nameFor(hot)).toBeUndefined();
  });
});
