/**
 * Where a card callback's receiver and the event's processor agree, across threads, whether the answer reaches Lark
 * inline. The receiver (the inbox store, lark/inbox-store.ts) waits for the answer up to its budget, then gives Lark a
 * holding toast; the processor (lark/inbox.ts), when it has the answer, hands it over only if the receiver still
 * waits, and otherwise posts a refusal to the card's thread. Both decide by one atomic exchange on a slot of shared
 * memory holding the waiting event's inbox id, so exactly one of them wins, even when the processor's thread is busy.
 *
 * The receiver owns the slots: it reserves one before it stores a card callback, holds it with the event's inbox id
 * once the row is written, and gives it back when it has answered. A slot holds the id of the event waiting in it,
 * RESERVED while its row is being written, or 0.
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

  /**
   * Receiver, before it stores a card callback: a slot marked as about to be held, or undefined when every slot is
   * taken. The processor, which may find the row as soon as it is committed, waits for a reserved slot to be held.
   */
  reserve(): number | undefined {
    const slot = this.free.pop();
    if (slot !== undefined) Atomics.store(this.cells, slot, RESERVED);
    return slot;
  }

  /** Receiver, once the callback is stored as event `id`: it waits in `slot` for the answer. */
  hold(slot: number, id: number): void {
    Atomics.store(this.cells, slot, id);
    Atomics.notify(this.cells, slot);
  }

  /**
   * Receiver, when its budget is spent: true when it gave up before the processor answered (the answer will go to
   * the card's thread instead); false when the answer is already on its way.
   */
  giveUp(slot: number, id: number): boolean {
    return Atomics.compareExchange(this.cells, slot, id, 0) === id;
  }

  /** Receiver: the slot is free again (after the answer arrived, after giving up, or for a duplicate never held). */
  release(slot: number): void {
    if (Atomics.exchange(this.cells, slot, 0) === RESERVED) Atomics.notify(this.cells, slot);
    this.free.push(slot);
  }
}

/** A slot's mark while its receiver stores the callback (event ids are positive). */
const RESERVED = -1;

/**
 * Processor: the slot in which the receiver still waits for event `id` — the answer must then be handed over there,
 * and the receiver will not give up any more; undefined when it gave up, or never waited (another process's receiver
 * stored it, or one before a restart).
 *
 * The slot is found in the shared cells, not in the receiver's word of what it stored, which may come after the
 * processor has found the row in the table. A receiver reserves its slot before the row is written and holds it with
 * the row's id once written; while a slot is reserved it may be this event's, so the processor waits for it (until
 * `deadline`, in Date.now() milliseconds).
 */
export async function claimAnswer(cells: Int32Array, id: number, deadline: number): Promise<number | undefined> {
  for (;;) {
    let reserved: number | undefined;
    for (let slot = 0; slot < cells.length; slot++) {
      const cell = cells[slot];
      if (cell === id && Atomics.compareExchange(cells, slot, id, 0) === id) return slot;
      if (cell === RESERVED) reserved = slot;
    }
    const left = deadline - Date.now();
    if (reserved === undefined || left <= 0) return undefined;
    const wait = Atomics.waitAsync(cells, reserved, RESERVED, left);
    if (wait.async) await wait.value;
  }
}
