/**
 * The filtered, paged listings of the PostgreSQL key store (ListKeys / ListKeyDetail, ListDataKeys /
 * ListDataKeyDetail): a WHERE clause grown from optional filters with numbered parameters, then the total and one
 * page ordered by creation.
 */
import type pg from "pg";
import type { TagFilter } from "../types.js";

export class PgListFilter {
  readonly params: unknown[];
  private readonly where: string[];

  /** Rows of account `uin` (parameter $1). */
  constructor(uin: string) {
    this.params = [uin];
    this.where = ["uin = $1"];
  }

  /** Add `value` as the next parameter; returns its placeholder (`$n`). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Add a condition (SQL, with placeholders from {@link param}). */
  and(condition: string): this {
    this.where.push(condition);
    return this;
  }

  /** Rows where `text` is a case-insensitive substring of column `a` or `b`. */
  search(a: string, b: string, text: string): this {
    const s = this.param(text);
    return this.and(`(strpos(lower(${a}), lower(${s})) > 0 OR strpos(lower(${b}), lower(${s})) > 0)`);
  }

  /** Rows of `table` whose JSONB `tags` hold, for each filter, its TagKey with any of its TagValues (any: none given). */
  tags(table: string, filters: readonly TagFilter[] | undefined): this {
    for (const tf of filters ?? []) {
      const values = tf.TagValue.length ? ` AND t->>'TagValue' = ANY(${this.param(tf.TagValue)}::text[])` : "";
      this.and(`EXISTS (SELECT 1 FROM jsonb_array_elements(${table}.tags) t WHERE t->>'TagKey' = ${this.param(tf.TagKey)}${values})`);
    }
    return this;
  }

  /**
   * How many rows of `table` match, and `limit` of them from `offset` on, ordered by creation (`create_time`,
   * `create_seq`) ascending or descending.
   */
  async page<R extends pg.QueryResultRow>(pool: pg.Pool, table: string, columns: string, order: "asc" | "desc", limit: number, offset: number): Promise<{ total: number; rows: R[] }> {
    const cond = this.where.join(" AND ");
    const dir = order === "asc" ? "ASC" : "DESC";
    const total = (await pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table} WHERE ${cond}`, this.params)).rows[0]!.n;
    const page = [...this.params, limit, offset];
    const { rows } = await pool.query<R>(
      `SELECT ${columns} FROM ${table} WHERE ${cond} ORDER BY create_time ${dir}, create_seq ${dir} LIMIT $${page.length - 1} OFFSET $${page.length}`,
      page,
    );
    return { total, rows };
  }
}
