/**
 * Where a card callback's receiver and the event's processor agree, across threads, whether the answer reaches Lark
 * inline. The receiver (the inbox store, lark/inbox-store.ts) waits for the answer up to its budget, then gives Lark a
 * holding toast; the processor (lark/inbox.ts), when it has the answer, hands it over only if the receiver still
 * waits, and otherwise posts a refusal to the card's thread. Both decide by one atomic exchange on a slot of shared
 * memory holding the waiting event's inbox id, so exactly one of them wins, even when the processor's thread is busy.
 *
 * The receiver owns the slots: it takes one for each card callback it stores and gives it back when it has answered.
 * A slot holds the id of the event waiting in it, or 0.
 */
export class AnswerSlots {
  /** Card callbacks that wait at once, at most; another one gets the holding toast at once. */
  static readonly SIZE = 1024;
  readonly cells: Int32Array;
  private readonly free: number[];

  constructor(buffer = new SharedArrayBuffer(AnswerSlots.SIZE * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(buffer);
    this.free = Array.from({ length: this.cells.length }, (_, slot) => this.cells.length - 1 - slot);
  }

  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  /** Receiver: a slot in which the event `id` waits for its answer, or undefined when every slot is taken. */
  take(id: number): number | undefined {
    const slot = this.free.pop();
    if (slot !== undefined) Atomics.store(this.cells, slot, id);
    return slot;
  }

  /**
   * Receiver, when its budget is spent: true when it gave up before the processor answered (the answer will go to
   * the card's thread instead); false when the answer is already on its way.
   */
  giveUp(slot: number, id: number): boolean {
    return Atomics.compareExchange(this.cells, slot, id, 0) === id;
  }

  /** Receiver: the slot is free again (after the answer arrived, or after giving up). */
  release(slot: number): void {
    this.free.push(slot);
  }
}

/**
 * Processor: true when the receiver still waits for event `id` in `slot` — the answer must then be handed over, and
 * the receiver will not give up any more; false when it gave up (or the slot was never taken).
 */
export function claimAnswer(cells: Int32Array, slot: number | undefined, id: number): boolean {
  return slot !== undefined && Atomics.compareExchange(cells, slot, id, 0) === id;
}
