import { describe, expect, it } from "vitest";
import { Pacer, paceKey } from "../../src/lark/pacer.ts";
import { ManualClock } from "./outbound-support.ts";

const rules = {
  api: [
    { limit: 50, windowMs: 1_000 },
    { limit: 1_000, windowMs: 60_000 },
  ],
  chat: [{ limit: 5, windowMs: 1_000 }],
};

describe("Pacer", () => {
  it("lets five calls into a chat at once and holds the sixth until the first leaves the window", async () => {
    const clock = new ManualClock(10_000);
    const pacer = new Pacer({ rules, clock });
    for (let i = 0; i < 5; i++) expect(pacer.tryTake([paceKey.chat("oc_1")])).toBe(0);
    expect(pacer.tryTake([paceKey.chat("oc_1")])).toBe(1_000);
    expect(pacer.tryTake([paceKey.chat("oc_2")])).toBe(0);

    let done = false;
    const sixth = pacer.take([paceKey.chat("oc_1")]).then(() => {
      done = true;
    });
    await clock.advance(999);
    expect(done).toBe(false);
    await clock.advance(1);
    await sixth;
    expect(done).toBe(true);
    expect(clock.now()).toBe(11_000);
  });

  it("waits for the strictest of several keys", async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ rules, clock });
    for (let i = 0; i < 5; i++) pacer.tryTake([paceKey.chat("oc_1")]);
    await clock.advance(400);
    // The API key is free, the chat key is not: the call waits for the chat.
    expect(pacer.tryTake([paceKey.api("send"), paceKey.chat("oc_1")])).toBe(600);
    // Nothing was counted against the API key by the refused call.
    for (let i = 0; i < 50; i++) expect(pacer.tryTake([paceKey.api("send")])).toBe(0);
    expect(pacer.tryTake([paceKey.api("send")])).toBe(1_000);
  });

  it("keeps 1000 per minute per API even when spread under 50 per second", async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ rules, clock });
    for (let i = 0; i < 1_000; i++) {
      await pacer.take([paceKey.api("send")]).then(() => undefined);
      if (i % 20 === 19) await clock.advance(1_000);
    }
    // 1000 calls took 50 seconds (20 a second); the next must wait until the first is a minute old.
    expect(clock.now()).toBe(50_000);
    expect(pacer.tryTake([paceKey.api("send")])).toBe(10_000);
  });

  it("never lets more than five of many concurrent callers into one chat per window", async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ rules, clock });
    const admitted: number[] = [];
    const callers = Array.from({ length: 23 }, () =>
      pacer.take([paceKey.chat("oc_1")]).then(() => admitted.push(clock.now())),
    );
    for (let i = 0; i < 10; i++) await clock.advance(500);
    await Promise.all(callers);
    expect(admitted).toHaveLength(23);
    for (const t of admitted) {
      expect(admitted.filter((u) => u > t - 1_000 && u <= t).length).toBeLessThanOrEqual(5);
    }
    // And it does not wait longer than needed: 23 calls at 5 per second take four seconds.
    expect(Math.max(...admitted)).toBe(4_000);
  });

  it("honours a pause after a rate-limit answer", async () => {
    const clock = new ManualClock(5_000);
    const pacer = new Pacer({ rules, clock });
    pacer.pause(paceKey.api("send"), 8_000);
    expect(pacer.waitFor(paceKey.api("send"))).toBe(3_000);
    expect(pacer.tryTake([paceKey.api("reply")])).toBe(0);
    let done = false;
    const call = pacer.take([paceKey.api("send")]).then(() => {
      done = true;
    });
    await clock.advance(2_999);
    expect(done).toBe(false);
    await clock.advance(1);
    await call;
    expect(clock.now()).toBe(8_000);
  });

  it("does not limit keys without a rule", () => {
    const pacer = new Pacer({ rules, clock: new ManualClock() });
    for (let i = 0; i < 500; i++) expect(pacer.tryTake(["other:x"])).toBe(0);
  });
});

describe("Pacer tickets", () => {
  it("count a call from when its answer came, so a slow first call cannot squeeze six into Lark's window", async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ rules, clock });
    const first = await pacer.take([paceKey.chat("oc_1")]);
    await clock.advance(300); // e.g. the first call waited for a token
    first.finish();
    for (let i = 0; i < 4; i++) (await pacer.take([paceKey.chat("oc_1")])).finish();
    // Had the first call counted from 0, the sixth could go at 1000 and arrive within a second of the first.
    expect(pacer.tryTake([paceKey.chat("oc_1")])).toBe(1_000);
    first.finish();
    expect(pacer.tryTake([paceKey.chat("oc_1")])).toBe(1_000);
  });

  it("move the call to its answer even when the clock ticked while the call was being admitted", async () => {
    const clock = new ManualClock();
    // The wall clock moves on between any two readings (a busy machine): every reading is a millisecond later.
    let ticks = 0;
    const ticking = { now: () => clock.now() + ticks++, sleep: (ms: number) => clock.sleep(ms) };
    const pacer = new Pacer({ rules: { chat: [{ limit: 1, windowMs: 1_000 }] }, clock: ticking });
    const first = await pacer.take([paceKey.chat("oc_1")]);
    await clock.advance(500); // the answer comes half a second later
    first.finish();
    const answeredAt = clock.now() + ticks - 1; // what finish() read
    // Lark counted the call on arrival, which may be as late as the answer: the next waits a second from there.
    expect(pacer.tryTake([paceKey.chat("oc_1")], answeredAt)).toBe(1_000);
  });
});
