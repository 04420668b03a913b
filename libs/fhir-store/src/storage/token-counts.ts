/**
 * Schema step "token counts": how many live resources have each token value,
 * so that `_total=accurate` on one token filter (`category=vital-signs`,
 * `code=http://loinc.org|8867-4`) is one row read instead of a count over every
 * matching index entry (hundreds of thousands at 100,000 patients).
 *
 * `token_count` counts resources per parameter, code and system;
 * `token_code_count` per parameter and code whatever the system (a resource
 * with the code under two systems counts once). Kept by triggers on
 * `idx_token`, in the transaction that writes the index rows, so they are
 * exact whatever writes them (the writer inserts and deletes index rows, never
 * updates them). A resource counts once per value however many of its rows
 * carry it (composite groups, repeated codings): an insert counts only when it
 * is the resource's first row with the value, a delete only when it was the
 * last. `_id` tokens (one value per resource) are not counted: `_id` is
 * searched on the resource table, and their counts would add a row per resource.
 * The triggers look for the resource's other rows by `rid` alone (unary `+` on
 * the other columns): on `(sp, code)` SQLite would read every row of the value.
 * The step rebuilds the counts from `idx_token` whenever it runs (it can run again).
 */
export const TOKEN_COUNTS = `
  DROP TRIGGER IF EXISTS idx_token_counted;
  DROP TRIGGER IF EXISTS idx_token_uncounted;
  DROP TABLE IF EXISTS token_count;
  DROP TABLE IF EXISTS token_code_count;
  CREATE TABLE token_count (sp INTEGER NOT NULL, code TEXT NOT NULL, system TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (sp, code, system)) WITHOUT ROWID;
  CREATE TABLE token_code_count (sp INTEGER NOT NULL, code TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (sp, code)) WITHOUT ROWID;
  INSERT INTO token_count (sp, code, system, n)
    SELECT sp, code, system, count(DISTINCT rid) FROM idx_token
    WHERE sp NOT IN (SELECT sp FROM search_param WHERE key GLOB '*._id') GROUP BY sp, code, system;
  INSERT INTO token_code_count (sp, code, n)
    SELECT sp, code, count(DISTINCT rid) FROM idx_token
    WHERE sp NOT IN (SELECT sp FROM search_param WHERE key GLOB '*._id') GROUP BY sp, code;
  CREATE TRIGGER idx_token_counted AFTER INSERT ON idx_token
  WHEN NOT EXISTS (SELECT 1 FROM search_param p WHERE p.sp = NEW.sp AND p.key GLOB '*._id')
  BEGIN
    INSERT INTO token_count (sp, code, system, n) SELECT NEW.sp, NEW.code, NEW.system, 1
      WHERE NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.rid = NEW.rid AND +t.sp = NEW.sp AND +t.grp <> NEW.grp
        AND +t.system = NEW.system AND +t.code = NEW.code)
      ON CONFLICT (sp, code, system) DO UPDATE SET n = n + 1;
    INSERT INTO token_code_count (sp, code, n) SELECT NEW.sp, NEW.code, 1
      WHERE NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.rid = NEW.rid AND +t.sp = NEW.sp AND +t.code = NEW.code
        AND (+t.grp <> NEW.grp OR +t.system <> NEW.system))
      ON CONFLICT (sp, code) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER idx_token_uncounted AFTER DELETE ON idx_token
  WHEN NOT EXISTS (SELECT 1 FROM search_param p WHERE p.sp = OLD.sp AND p.key GLOB '*._id')
  BEGIN
    UPDATE token_count SET n = n - 1 WHERE sp = OLD.sp AND code = OLD.code AND system = OLD.system
      AND NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.rid = OLD.rid AND +t.sp = OLD.sp AND +t.system = OLD.system
        AND +t.code = OLD.code);
    UPDATE token_code_count SET n = n - 1 WHERE sp = OLD.sp AND code = OLD.code
      AND NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.rid = OLD.rid AND +t.sp = OLD.sp AND +t.code = OLD.code);
  END;
`;
