/**
 * A throwaway PostgreSQL for tests: `initdb` (as the `postgres` user: initdb refuses root) in a temp dir that user
 * owns, `pg_ctl start` on a free TCP port on 127.0.0.1 with its unix socket in that dir, trust authentication, one
 * database per caller. Nothing of the system's PostgreSQL service is touched. `stop()` stops it and removes the dir;
 * a process exit stops it too (so a failing test file leaves nothing running).
 *
 * Finds the newest `/usr/lib/postgresql/<version>/bin`. {@link pgAvailable} says whether one is installed.
 * Plain JavaScript (types in _postgres.d.mts) so the benchmarks use it too.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The newest installed PostgreSQL's bin dir, or undefined. */
export function pgBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], "bin") : undefined;
}

export const pgAvailable = () => pgBinDir() !== undefined;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = /** @type {{ port: number }} */ (s.address()).port;
      s.close(() => resolve(port));
    });
  });
}

let counter = 0;

/**
 * Start a PostgreSQL instance in a new temp dir.
 * @param {{ settings?: string[] }} [options] extra server settings (`name=value`, passed as `-c`), e.g.
 *   `shared_preload_libraries=pg_stat_statements` for the benchmarks' statement counts
 * @throws when no PostgreSQL is installed or it does not start
 */
export async function startPostgres(options = {}) {
  const bin = pgBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb)");
  const dir = mkdtempSync(join(tmpdir(), "openkms-pg-"));
  const pgUid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const pgGid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  chownSync(dir, pgUid, pgGid);
  const data = join(dir, "data");
  const asPostgres = (/** @type {string} */ cmd, /** @type {string[]} */ args) => {
    const r = spawnSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  const port = await freePort();
  let running = false;
  const start = () => {
    asPostgres("pg_ctl", [
      "-D", data, "-l", join(dir, "postgres.log"), "-w", "-t", "60",
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off${(options.settings ?? []).map((x) => ` -c ${x}`).join("")}`,
      "start",
    ]);
    running = true;
  };
  const halt = (mode = "fast") => {
    if (!running) return;
    running = false;
    asPostgres("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  };
  const onExit = () => {
    if (running) spawnSync("runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]);
  };
  process.on("exit", onExit);
  try {
    start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  return {
    port,
    async createDatabase(/** @type {string | undefined} */ name) {
      const db = name ?? `t${process.pid}_${++counter}_${Date.now() % 100000}`;
      const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${db}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    halt,
    start,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        halt("fast");
      } finally {
        process.off("exit", onExit);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
