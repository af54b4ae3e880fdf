import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { EmulatorSnapshot } from "../emulator/index.ts";
import type { Logger } from "../log.ts";
import type { SandboxFiles } from "./sandbox-files.ts";

/** What the sandbox keeps next to its database to resume where it stopped. */
export interface SandboxSnapshot {
  /** The demo session the database belongs to (recorded in the database as well). */
  sessionId: string;
  /** The virtual clock when saved, epoch milliseconds. */
  clock: number;
  /** The emulated chats: messages, cards with their updates, images and files. */
  emulator: EmulatorSnapshot;
}

/** The chats, the clock and the session, as JSON; images and files are kept beside it, one file each. */
const STATE_FILE = "sandbox-state.json";
const RESOURCE_DIR = "lark-files";
const FORMAT = 1;

/** Milliseconds between a change and the save that includes it: a burst of changes is saved once. */
const SAVE_DELAY_MS = 500;

const id = z.string().min(1);
const savedSchema = z.object({
  format: z.literal(FORMAT),
  sessionId: id,
  clock: z.number(),
  emulator: z.object({
    botOpenId: id,
    botUnionId: id,
    tenantKey: id,
    users: z.array(z.object({ openId: id, name: z.string(), unionId: id, userId: id, mobile: z.string().optional() })),
    chats: z.array(
      z.object({
        chatId: id,
        name: z.string(),
        chatType: z.enum(["group", "p2p"]),
        members: z.array(id),
        botIsMember: z.boolean(),
        dissolved: z.boolean(),
        ownerOpenId: id.optional(),
      }),
    ),
    messages: z.array(
      z.object({
        messageId: id,
        rootId: id.optional(),
        parentId: id.optional(),
        threadId: id.optional(),
        chatId: id,
        msgType: id,
        content: z.unknown(),
        sender: z.discriminatedUnion("type", [
          z.object({ type: z.literal("user"), openId: id }),
          z.object({ type: z.literal("app"), appId: id }),
        ]),
        mentions: z.array(z.object({ key: id, openId: id, name: z.string() })),
        createTime: z.number(),
        updateTime: z.number(),
        deleted: z.boolean(),
        uuid: id.optional(),
        updates: z.array(z.object({ time: z.number(), content: z.unknown(), via: z.enum(["patch", "callback"]) })),
      }),
    ),
    // Keys become file names: Lark's keys are letters, digits, "_" and "-".
    resources: z.array(
      z.object({
        key: z.string().regex(/^[\w-]+$/),
        kind: z.enum(["image", "file"]),
        contentType: id,
        fileName: z.string().optional(),
      }),
    ),
    uuids: z.array(z.object({ uuid: id, messageId: id, time: z.number() })),
  }),
});
type SavedFile = z.infer<typeof savedSchema>;

/**
 * Writes the snapshot into the sandbox folder, each file atomically (a temporary file renamed over the old one), so
 * a crash leaves the previous save or the new one, never half of either. Images and files are written once each
 * (their keys never change content); the JSON refers to them by key.
 */
export function saveSnapshot(files: SandboxFiles, snapshot: SandboxSnapshot): void {
  const resourceDir = join(files.dir, RESOURCE_DIR);
  mkdirSync(resourceDir, { recursive: true });
  const { resources, ...emulator } = snapshot.emulator;
  for (const resource of resources) {
    const path = join(resourceDir, resource.key);
    if (!existsSync(path)) writeAtomically(path, resource.data);
  }
  const saved: SavedFile = {
    format: FORMAT,
    sessionId: snapshot.sessionId,
    clock: snapshot.clock,
    emulator: { ...emulator, resources: resources.map(({ data: _, ...meta }) => meta) },
  };
  writeAtomically(join(files.dir, STATE_FILE), JSON.stringify(saved));
}

/** The last saved snapshot; undefined when there is none or it cannot be read completely (then the demo starts over). */
export function loadSnapshot(files: SandboxFiles, log: Logger): SandboxSnapshot | undefined {
  const path = join(files.dir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const saved = savedSchema.parse(JSON.parse(readFileSync(path, "utf8")));
    const resources = saved.emulator.resources.map((meta) => ({
      ...meta,
      data: readFileSync(join(files.dir, RESOURCE_DIR, meta.key)),
    }));
    return { sessionId: saved.sessionId, clock: saved.clock, emulator: { ...saved.emulator, resources } };
  } catch (error) {
    log.warn({ err: error, path }, "saved sandbox state unreadable; starting from the demo");
    return undefined;
  }
}

function writeAtomically(path: string, data: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * Saves a running sandbox shortly after it changes, once per burst of changes, and on demand. A save that fails is
 * logged and tried again with the next change: the demo goes on.
 */
export class SnapshotSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly save: () => void,
    private readonly log: Logger,
  ) {}

  /** Something changed: saves within {@link SAVE_DELAY_MS} unless a save is already due. */
  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Saves now (and cancels the save that was due). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.save();
    } catch (error) {
      this.log.error({ err: error }, "sandbox state not saved");
    }
  }
}
