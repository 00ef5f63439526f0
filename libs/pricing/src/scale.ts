/** Digits after the point the ledger keeps (Postgres numeric(24, 12)). */
export const LEDGER_SCALE = 12;
