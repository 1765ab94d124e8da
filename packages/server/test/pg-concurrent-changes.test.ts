/**
 * Concurrent state changes of one key on a PostgreSQL store, through the official SDK: they answer as if they came
 * one after the other (store/stale-record.ts) — on one node and across two — exactly as the embedded store does.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/index.js";
import { startServer, type Running } from "./_harness.js";
import { pgAvailable, startPostgres, type TestPostgres } from "./_postgres.mjs";

const ROOT_KEY = randomBytes(32).toString("base64");
const DAY = 86400;

type Outcome = { ok: Record<string, any> } | { code: string };

/** Each call's response or error code, in the order given. */
const settle = (calls: Promise<Record<string, any>>[]): Promise<Outcome[]> =>
  Promise.all(calls.map((c) => c.then((ok) => ({ ok }), (e: { code?: string }) => ({ code: e.code ?? String(e) }))));

const winners = (outcomes: Outcome[]) => outcomes.flatMap((o, i) => ("ok" in o ? [i] : []));
const codes = (outcomes: Outcome[]) => outcomes.flatMap((o) => ("code" in o ? [o.code] : []));

describe.skipIf(!pgAvailable())("concurrent changes of one key on PostgreSQL", () => {
  let postgres: TestPostgres;
  let clock: ManualClock;
  let a: Running;
  let b: Running;
  let embedded: Running;

  beforeAll(async () => {
    postgres = await startPostgres();
    const url = await postgres.createDatabase();
    clock = new ManualClock();
    const node = () => startServer({ store: url, rootKey: ROOT_KEY, clock, schedulerIntervalSeconds: 0 });
    [a, b, embedded] = await Promise.all([node(), node(), startServer({ clock, schedulerIntervalSeconds: 0 })]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await embedded?.stop();
    await postgres?.stop();
  });

  /** Six ScheduleKeyDeletion with windows 7..12 on `nodes` (round robin): exactly one wins, its date is stored. */
  async function scheduleRace(nodes: Running[]) {
    const keyId = (await nodes[0]!.call("CreateKey", { Alias: `race-${randomBytes(4).toString("hex")}` })).KeyId;
    await nodes[0]!.call("DisableKey", { KeyId: keyId });
    const days = [7, 8, 9, 10, 11, 12];
    const outcomes = await settle(days.map((d, i) => nodes[i % nodes.length]!.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: d })));
    const won = winners(outcomes);
    expect(won).toHaveLength(1);
    expect(codes(outcomes)).toEqual(Array(5).fill("ResourceUnavailable.CmkStateNotSupport"));
    const winner = (outcomes[won[0]!] as { ok: Record<string, any> }).ok;
    const nowSeconds = Math.floor(clock.nowMs() / 1000);
    expect(winner.DeletionDate).toBe(nowSeconds + days[won[0]!]! * DAY);
    for (const n of nodes) {
      const meta = (await n.call("DescribeKey", { KeyId: keyId })).KeyMetadata;
      expect(meta.KeyState).toBe("PendingDelete");
      expect(meta.DeletionDate).toBe(winner.DeletionDate);
    }
  }

  it("six concurrent ScheduleKeyDeletion on one node: one succeeds, the others get CmkStateNotSupport", async () => {
    await scheduleRace([a]);
  });

  it("the same race across two nodes", async () => {
    await scheduleRace([a, b]);
  });

  it("the embedded store answers the same race the same way", async () => {
    await scheduleRace([embedded]);
  });

  it("concurrent CancelKeyDeletion, ArchiveKey / CancelKeyArchive and EnableKey / ScheduleKeyDeletion answer as if sequential", async () => {
    const keyId = (await a.call("CreateKey", { Alias: "race-others" })).KeyId;
    await a.call("DisableKey", { KeyId: keyId });
    await a.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
    let outcomes = await settle([a, b, a, b].map((n) => n.call("CancelKeyDeletion", { KeyId: keyId })));
    expect(winners(outcomes)).toHaveLength(1);
    expect(codes(outcomes)).toEqual(Array(3).fill("ResourceUnavailable.CmkNotPendingDelete"));
    expect((await b.call("DescribeKey", { KeyId: keyId })).KeyMetadata).toMatchObject({ KeyState: "Disabled", DeletionDate: 0 });

    outcomes = await settle([a, b, a, b].map((n) => n.call("ArchiveKey", { KeyId: keyId })));
    expect(winners(outcomes)).toHaveLength(1);
    expect(codes(outcomes)).toEqual(Array(3).fill("ResourceUnavailable.CmkStateNotSupport"));
    outcomes = await settle([a, b, a, b].map((n) => n.call("CancelKeyArchive", { KeyId: keyId })));
    expect(winners(outcomes)).toHaveLength(1);
    expect((await a.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState).toBe("Enabled");

    // Disable and a description change at once: neither overwrites the other.
    await settle([a.call("DisableKey", { KeyId: keyId }), b.call("UpdateKeyDescription", { KeyId: keyId, Description: "kept" })]);
    expect((await a.call("DescribeKey", { KeyId: keyId })).KeyMetadata).toMatchObject({ KeyState: "Disabled", Description: "kept" });

    // EnableKey against ScheduleKeyDeletion: whichever came first, the stored state is one sequential order's.
    outcomes = await settle([a.call("EnableKey", { KeyId: keyId }), b.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 })]);
    const meta = (await b.call("DescribeKey", { KeyId: keyId })).KeyMetadata;
    if ("ok" in outcomes[1]!) {
      expect(meta.KeyState).toBe("PendingDelete");
      expect(outcomes[0]).toEqual({ code: "ResourceUnavailable.CmkStateNotSupport" });
    } else {
      expect(outcomes[1]).toEqual({ code: "ResourceUnavailable.CmkShouldBeDisabled" });
      expect(meta.KeyState).toBe("Enabled");
    }
  });

  it("concurrent ScheduleDataKeyDeletion of one hosted data key: one succeeds", async () => {
    const keyId = (await a.call("CreateKey", { Alias: "race-data-keys" })).KeyId;
    const { DataKeyId } = await a.call("GenerateDataKey", { KeyId: keyId, NumberOfBytes: 32, IsHostedByKms: 1, DataKeyName: "race-dk" });
    await a.call("DisableDataKey", { DataKeyId });
    const outcomes = await settle([7, 8, 9, 10].map((d, i) => [a, b][i % 2]!.call("ScheduleDataKeyDeletion", { DataKeyId, PendingWindowInDays: d })));
    expect(winners(outcomes)).toHaveLength(1);
    expect(new Set(codes(outcomes))).toEqual(new Set(["ResourceUnavailable.DataKeyStateNotSupport"]));
  });
});
