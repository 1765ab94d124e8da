/**
 * An unmodified MariaDB (Debian's `mariadbd`, `mariadb-install-db` and `mariadb-plugin-hashicorp-key-management`)
 * as a test's own instance: a temp datadir, a unix socket and no TCP port, its own `my.cnf`, never a system service.
 * Every wait is bounded; `stop()` ends it with SIGTERM (a clean shutdown) and SIGKILL after a timeout, and
 * `killAll()` ends every instance still running (call it in afterAll).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createConnection, type Connection } from "mariadb";

const MARIADBD = "/usr/sbin/mariadbd";
const INSTALL_DB = "/usr/bin/mariadb-install-db";
const PLUGIN = "/usr/lib/mysql/plugin/hashicorp_key_management.so";

/** Why MariaDB cannot run here (a binary or the plugin missing), or undefined when it can. */
export function mariadbMissing(): string | undefined {
  for (const f of [MARIADBD, INSTALL_DB, PLUGIN]) if (!existsSync(f)) return `${f} is missing (Debian: mariadb-server, mariadb-plugin-hashicorp-key-management)`;
  return undefined;
}

const running = new Set<ChildProcess>();

/** SIGKILL every mariadbd this process started that is still running. */
export function killAll(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MariaDbOptions {
  /** The instance's own folder: `data/` (the datadir, with `tmp/` inside), `my.cnf`, `error.log`, the socket. */
  base: string;
  /** `hashicorp-key-management-vault-url`. */
  vaultUrl: string;
  /** `hashicorp-key-management-token`. */
  token: string;
}

export class MariaDb {
  readonly datadir: string;
  readonly socket: string;
  readonly errorLogPath: string;
  readonly cnfPath: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;

  constructor(private opts: MariaDbOptions) {
    this.datadir = join(opts.base, "data");
    this.socket = join(opts.base, "mysqld.sock");
    this.errorLogPath = join(opts.base, "error.log");
    this.cnfPath = join(opts.base, "my.cnf");
  }

  /** The `[mariadbd]` lines this instance runs with: the key plugin pointed at OpenKMS, and everything encrypted. */
  cnf(): string {
    return [
      "[mariadbd]",
      `datadir=${this.datadir}`,
      `socket=${this.socket}`,
      "skip-networking",
      "user=root",
      `log-error=${this.errorLogPath}`,
      `pid-file=${join(this.opts.base, "mysqld.pid")}`,
      `tmpdir=${join(this.datadir, "tmp")}`,
      "plugin_load_add=hashicorp_key_management",
      `hashicorp-key-management-vault-url=${this.opts.vaultUrl}`,
      `hashicorp-key-management-token=${this.opts.token}`,
      // Versions are re-read after 1 s (of the server's CPU time: the plugin uses clock()), so rotation shows quickly.
      "hashicorp-key-management-cache-version-timeout=1000",
      "hashicorp-key-management-timeout=5",
      "hashicorp-key-management-max-retries=0",
      "innodb_encrypt_tables=FORCE",
      "innodb_encrypt_log=ON",
      "innodb_encrypt_temporary_tables=ON",
      "encrypt_tmp_files=ON",
      "encrypt_tmp_disk_tables=ON",
      "encrypt_binlog=ON",
      "log_bin=binlog",
      "innodb_undo_tablespaces=2",
      "innodb_encryption_threads=2",
      "innodb_encryption_rotate_key_age=1",
      "innodb_buffer_pool_size=32M",
      "innodb_log_file_size=16M",
      "innodb_flush_log_at_trx_commit=1",
      "",
    ].join("\n");
  }

  /** Point the plugin at another token (takes effect at the next start). */
  setToken(token: string): void {
    this.opts = { ...this.opts, token };
    writeFileSync(this.cnfPath, this.cnf(), { mode: 0o600 });
  }

  /** Create the datadir with `mariadb-install-db`, using the same my.cnf (so the system tables are encrypted too). */
  install(): void {
    mkdirSync(join(this.datadir, "tmp"), { recursive: true });
    writeFileSync(this.cnfPath, this.cnf(), { mode: 0o600 });
    const r = spawnSync(INSTALL_DB, [`--defaults-file=${this.cnfPath}`, "--auth-root-authentication-method=normal", "--skip-test-db"], {
      encoding: "utf8", timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`mariadb-install-db exited ${r.status}: ${r.stderr}\n${this.errorLog()}`);
  }

  /** The error log so far ("" before the first start). */
  errorLog(): string {
    return existsSync(this.errorLogPath) ? readFileSync(this.errorLogPath, "utf8") : "";
  }

  private spawn(): void {
    const child = spawn(MARIADBD, [`--defaults-file=${this.cnfPath}`], { stdio: "ignore" });
    running.add(child);
    this.child = child;
    this.exited = new Promise((resolve) => child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }));
  }

  /**
   * Start and wait (≤ 60 s) until it accepts a connection.
   * @throws when it exits first (with its error log) or does not answer in time (then it is killed)
   */
  async start(): Promise<void> {
    if (this.child) throw new Error("mariadbd is already running");
    this.spawn();
    const deadline = Date.now() + 60_000;
    let exitCode: number | null | undefined;
    void this.exited!.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        this.child = undefined;
        throw new Error(`mariadbd exited ${exitCode} while starting:\n${this.errorLog().slice(-4000)}`);
      }
      if (existsSync(this.socket)) {
        try {
          (await this.connect()).end();
          return;
        } catch {
          /* not ready yet */
        }
      }
      await sleep(200);
    }
    await this.kill();
    throw new Error(`mariadbd did not accept connections within 60 s:\n${this.errorLog().slice(-4000)}`);
  }

  /**
   * Start when it must fail to: wait (≤ 60 s) for it to exit.
   * @returns its exit code and the part of the error log this start wrote
   * @throws when it starts after all (it is stopped first)
   */
  async startFailing(): Promise<{ code: number | null; log: string }> {
    const before = this.errorLog().length;
    this.spawn();
    const code = await Promise.race([this.exited!, sleep(60_000).then(() => "timeout" as const)]);
    if (code === "timeout") {
      await this.stop();
      throw new Error("mariadbd was expected to fail to start, but it kept running");
    }
    this.child = undefined;
    return { code, log: this.errorLog().slice(before) };
  }

  /** A connection as root over the unix socket; the caller ends it. */
  connect(): Promise<Connection> {
    return createConnection({ socketPath: this.socket, user: "root", password: "", connectTimeout: 5000, bigIntAsNumber: true });
  }

  /** Run statements on a fresh connection; resolves with the last one's rows. */
  async query<T = Record<string, unknown>[]>(...sql: string[]): Promise<T> {
    const conn = await this.connect();
    try {
      let last: unknown;
      for (const s of sql) last = await conn.query(s);
      return last as T;
    } finally {
      await conn.end();
    }
  }

  /** Stop cleanly (SIGTERM: InnoDB flushes and shuts down); SIGKILL after 60 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const code = await Promise.race([this.exited!, sleep(60_000).then(() => "timeout" as const)]);
    if (code === "timeout") await this.kill();
    this.child = undefined;
  }

  private async kill(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill("SIGKILL");
      await this.exited;
    }
    this.child = undefined;
  }
}

/** Every file under `dir` (recursively), with its size. */
export function filesUnder(dir: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push({ path: p, size: statSync(p).size });
  }
  return out;
}

/** The files under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, "utf8");
  return filesUnder(dir).filter((f) => readFileSync(f.path).includes(bytes)).map((f) => f.path);
}
