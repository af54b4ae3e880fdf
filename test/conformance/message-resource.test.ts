import type { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { notInMessage, query } from "./fixtures/message-resource.ts";
import { CHAT, conformanceTenant, expectDocumentedShape, refusal, USER } from "./support.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("GET /open-apis/im/v1/messages/:message_id/resources/:file_key", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers the documented query with the image's bytes and content type", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const { messageId } = await emu.userSends({ chatId: CHAT, from: USER, images: [PNG] });
    const imageKey = (emu.message(messageId)?.content as { image_key?: string } | undefined)?.image_key ?? "";
    const answer = (await tenant.client.request({
      method: "GET",
      url: `/open-apis/im/v1/messages/${messageId}/resources/${imageKey}`,
      params: query,
      responseType: "stream",
      $return_headers: true,
    } as never)) as { data: Readable; headers: Record<string, string> };
    expect(answer.headers["content-type"]).toBe("image/png");
    expect(await readAll(answer.data)).toEqual(PNG);
  });

  it("refuses a key that is not in the message with the documented 234003", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    emu.allow(234003);
    const { messageId } = await emu.userSends({ chatId: CHAT, from: USER, text: "没有图片" });
    const refused = await refusal(
      tenant.client.request({
        method: "GET",
        url: `/open-apis/im/v1/messages/${messageId}/resources/img_v3_not_here`,
        params: query,
      }),
    );
    expect(refused.body).toMatchObject({ code: notInMessage.code });
    expectDocumentedShape(refused.body, notInMessage, ["code", "msg"]);
  });
});
