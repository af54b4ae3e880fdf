import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { emptyFile, requestFields, response } from "./fixtures/image.ts";
import { conformanceTenant, expectDocumentedShape, refusal } from "./support.ts";

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

describe("POST /open-apis/im/v1/images", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("takes the documented multipart fields and answers with the image key as documented", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const answer = await tenant.client.request({
      method: "POST",
      url: "/open-apis/im/v1/images",
      data: { ...requestFields, image: PNG },
      headers: { "Content-Type": "multipart/form-data" },
    });
    expectDocumentedShape(answer, response, ["code", "msg", "data.image_key"]);
  });

  it("refuses an empty file with the documented 234010", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    emu.allow(234010);
    const refused = await refusal(
      tenant.client.request({
        method: "POST",
        url: "/open-apis/im/v1/images",
        data: { ...requestFields, image: Buffer.alloc(0) },
        headers: { "Content-Type": "multipart/form-data" },
      }),
    );
    expect(refused.body).toMatchObject({ code: emptyFile.code });
    expectDocumentedShape(refused.body, emptyFile, ["code", "msg"]);
  });
});
