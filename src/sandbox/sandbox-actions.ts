import { imageContentType } from "../emulator/resource-routes.ts";
import { nextDueAt } from "../jobs/next-due-at.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";
import type {
  ClickAnswer,
  ClickRequest,
  ClockAnswer,
  ClockRequest,
  MessageView,
  SandboxState,
  SendRequest,
} from "./api-types.ts";
import { messageView } from "./message-view.ts";
import { SAMPLE_PHOTOS, samplePhoto } from "./sample-photos.ts";
import type { SandboxSession } from "./sandbox-session.ts";
import { nextLocalTime } from "./virtual-clock.ts";

/** A request the sandbox refuses, with the sentence the page shows and the HTTP status. */
export class SandboxRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SandboxRequestError";
  }
}

/** Most instants one jump stops at on its way, so a huge jump cannot hang the page. */
const MAX_JUMP_STEPS = 300;

/** Everything the page needs to draw itself. */
export function sandboxState(session: SandboxSession, timeZone: string): SandboxState {
  const { emu, tenant, names } = session;
  return {
    sessionId: session.id,
    now: session.clock.epoch(),
    timeZone,
    bot: { openId: emu.botOpenId, name: names.bot },
    people: tenant.people.map((p) => ({ ...p, p2pChatId: session.p2pChats.get(p.openId) ?? "" })),
    chats: tenant.chats.map((c) => ({ ...c, memberCount: emu.chat(c.chatId)?.members.length ?? 0 })),
    samples: SAMPLE_PHOTOS.map((s) => ({ ...s, url: `/sandbox/api/samples/${s.id}.png` })),
  };
}

/** Every message of the demo groups and private chats, oldest first, as the page shows them. */
export function allMessages(session: SandboxSession): MessageView[] {
  return session.emu.messages().map((m) => messageView(session.emu, session.names, m));
}

/** Posts a message as a demo person (text, @-mentions, photos, optionally as a reply). */
export async function postAsPerson(session: SandboxSession, request: SendRequest): Promise<{ messageId: string }> {
  const { emu } = session;
  if (!session.names.people.has(request.from)) throw new SandboxRequestError(400, SANDBOX_TEXTS.unknownPerson);
  const chat = emu.chat(request.chatId);
  if (!chat) throw new SandboxRequestError(404, SANDBOX_TEXTS.unknownChat);
  if (!chat.members.includes(request.from)) throw new SandboxRequestError(403, SANDBOX_TEXTS.notMember);
  const text = request.text?.trim() ?? "";
  const images = await Promise.all((request.photos ?? []).map(photoBytes));
  if (!text && images.length === 0) throw new SandboxRequestError(400, SANDBOX_TEXTS.emptyMessage);
  const mentions = (request.mentions ?? []).filter((id) => session.names.people.has(id));
  const replyTo =
    request.replyTo && emu.message(request.replyTo)?.chatId === request.chatId ? request.replyTo : undefined;
  const result = await emu.userSends({
    chatId: request.chatId,
    from: request.from,
    ...(text && { text }),
    ...(images.length > 0 && { images }),
    ...(request.mentionBot && { mentionBot: true }),
    ...(mentions.length > 0 && { mentions }),
    ...(replyTo && { replyTo }),
  });
  return { messageId: result.messageId };
}

async function photoBytes(photo: NonNullable<SendRequest["photos"]>[number]): Promise<Buffer> {
  if ("sample" in photo) {
    const png = samplePhoto(photo.sample);
    if (!png) throw new SandboxRequestError(400, SANDBOX_TEXTS.unknownSample);
    return png;
  }
  const data = Buffer.from(photo.base64, "base64");
  if (!imageContentType(data)) throw new SandboxRequestError(400, SANDBOX_TEXTS.notAnImage);
  return data;
}

/** Clicks, chooses or submits on one of the bot's cards as a demo person; returns the bot's toast. */
export async function clickCard(session: SandboxSession, request: ClickRequest): Promise<ClickAnswer> {
  const { emu } = session;
  if (!session.names.people.has(request.from)) throw new SandboxRequestError(400, SANDBOX_TEXTS.unknownPerson);
  const message = emu.message(request.messageId);
  if (message?.msgType !== "interactive" || message.sender.type !== "app") {
    throw new SandboxRequestError(404, SANDBOX_TEXTS.notFound);
  }
  try {
    const answer = await emu.userClicks({
      messageId: request.messageId,
      from: request.from,
      value: request.value,
      tag: request.tag,
      ...(request.option !== undefined && { option: request.option }),
      ...(request.name !== undefined && { name: request.name }),
      ...(request.formValue !== undefined && { formValue: request.formValue }),
    });
    return answer?.toast ? { toast: answer.toast } : {};
  } catch {
    throw new SandboxRequestError(502, SANDBOX_TEXTS.botSilent);
  }
}

/**
 * Moves the virtual clock forward — by minutes, to the next HH:mm, or to the next instant the bot sends something
 * (nextDueAt) — stopping on the way at every instant a sweep would send something (a reminder, an escalation slot, a
 * look-back, a digest): the clock is set there, the sweeps run and their messages are delivered, so each goes out at
 * its own time and nothing is skipped or dropped as moot. It stops at most `maxSteps` times; the sweeps at the
 * destination do the rest.
 */
export async function jumpClock(
  session: SandboxSession,
  request: ClockRequest,
  timeZone: string,
  maxSteps = MAX_JUMP_STEPS,
): Promise<ClockAnswer> {
  const { clock, riqing } = session;
  const deps = { db: riqing.db, timeZone };
  const destination =
    request.action === "advance"
      ? new Date(clock.epoch() + request.minutes * 60_000)
      : request.action === "until"
        ? nextLocalTime(clock.now(), request.time, timeZone)
        : await nextDueAt(deps, clock.now());
  if (!destination) return { now: clock.epoch(), note: SANDBOX_TEXTS.nothingDue };
  // What is due at this very instant (nextDueAt looks only after it) goes out before the clock moves, at its own
  // time: e.g. the weekly briefing of a sandbox started at 09:00 on a Monday.
  await riqing.tick();
  await riqing.outbox.drain();
  let truncated = false;
  for (let steps = 0; ; steps++) {
    const at = await nextDueAt(deps, clock.now());
    if (!at || at.getTime() >= destination.getTime()) break;
    if (steps === maxSteps) {
      truncated = true;
      break;
    }
    clock.advanceTo(at);
    await riqing.tick();
    // Delivered now, so each message carries the time it was sent at.
    await riqing.outbox.drain();
  }
  clock.advanceTo(destination);
  await riqing.tick();
  return { now: clock.epoch(), ...(truncated && { note: SANDBOX_TEXTS.tooManySteps(maxSteps) }) };
}
