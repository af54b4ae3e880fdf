import { describe, expect, it } from "vitest";
import { AnswerSlots, claimAnswer } from "../../src/lark/answer-slots.ts";

describe("answer slots", () => {
  const soon = () => Date.now() + 5_000;

  it("lets the processor claim the slot its event waits in, once", async () => {
    const slots = new AnswerSlots();
    const slot = slots.reserve() as number;
    slots.hold(slot, 7);
    expect(await claimAnswer(slots.cells, 7, soon())).toBe(slot);
    expect(await claimAnswer(slots.cells, 7, soon())).toBeUndefined();
    expect(slots.giveUp(slot, 7)).toBe(false);
  });

  it("makes the processor wait for a slot reserved while its row is written, and finds it once held", async () => {
    const slots = new AnswerSlots();
    const slot = slots.reserve() as number;
    // The processor found the row before the receiver heard back from the INSERT.
    const claimed = claimAnswer(slots.cells, 7, soon());
    slots.hold(slot, 7);
    expect(await claimed).toBe(slot);
  });

  it("ends the wait when the reservation was for a duplicate, and does not wait when nothing is reserved", async () => {
    const slots = new AnswerSlots();
    const slot = slots.reserve() as number;
    const claimed = claimAnswer(slots.cells, 7, soon());
    slots.release(slot);
    expect(await claimed).toBeUndefined();
    // Nothing reserved: no receiver can still be about to wait, so the answer is not waited for (the deadline is
    // past the test's own timeout).
    expect(await claimAnswer(slots.cells, 8, Date.now() + 60_000)).toBeUndefined();
  });

  it("gives the slot to the receiver that gave up before the processor answered", async () => {
    const slots = new AnswerSlots();
    const slot = slots.reserve() as number;
    slots.hold(slot, 7);
    expect(slots.giveUp(slot, 7)).toBe(true);
    slots.release(slot);
    expect(await claimAnswer(slots.cells, 7, soon())).toBeUndefined();
  });
});
