import { it } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { LarkClient } from "../../src/lark/client.ts";
import { enqueue, OutboxSender } from "../../src/lark/outbox.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDb } from "../support/db.ts";
import { TEST_APP, until, VirtualClock } from "./outbound-support.ts";

it("prof", async () => {
  const t = await createTestDb();
  const clock = new VirtualClock();
  const emu = await LarkEmulator.start({ ...TEST_APP, strict: true, now: () => clock.now() });
  emu.addUser({ openId: "ou_a", name: "张三" });
  emu.addChat({ chatId: "oc_1", name: "g", members: ["ou_a"] });
  const c = new LarkClient({ ...TEST_APP, domain: emu.baseUrl, clock, logger: silentLogger });
  let inSend = 0;
  const wrapped = {
    send: async (...a: Parameters<LarkClient["send"]>) => { const s = performance.now(); try { return await c.send(...a); } finally { inSend += performance.now() - s; } },
    reply: c.reply.bind(c), patchCard: c.patchCard.bind(c),
  };
  let s0 = performance.now();
  for (let i = 0; i < 100; i++) await c.send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "x" } });
  console.log("direct 100 sends", performance.now() - s0);
  await t.db.$transaction(async (tx) => { for (let i = 1; i <= 100; i++) await enqueue(tx, { key: `b${i}`, kind: "send", target: "oc_1", msgType: "text", content: { text: `${i}` } }); });
  const sender = new OutboxSender({ db: t.db, client: wrapped, logger: silentLogger, clock, pollIntervalMs: 50 });
  s0 = performance.now();
  sender.start();
  await until(async () => (await t.db.outboxMessage.count({ where: { status: "pending" } })) === 0, "x", 20000);
  console.log("outbox 100", performance.now() - s0, "in send", inSend);
  s0 = performance.now();
  for (let i = 0; i < 100; i++) await t.db.outboxMessage.findFirst({ where: { status: "pending" } });
  console.log("100 findFirst", performance.now() - s0);
  s0 = performance.now();
  for (let i = 0; i < 100; i++) await t.db.outboxMessage.update({ where: { key: "b1" }, data: { attempts: { increment: 1 } } });
  console.log("100 updates", performance.now() - s0);
  await sender.stop(); await emu.close(); await t.close();
});
