import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { requestFields, response } from "./fixtures/file.ts";
import { conformanceTenant, expectDocumentedShape } from "./support.ts";

describe("POST /open-apis/im/v1/files", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("takes the documented multipart fields and answers with the file key as documented", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const answer = (await tenant.client.request({
      method: "POST",
      url: "/open-apis/im/v1/files",
      data: { ...requestFields, file: Buffer.from("PK\u0003\u0004 a workbook") },
      headers: { "Content-Type": "multipart/form-data" },
    })) as { data: { file_key: string } };
    expectDocumentedShape(answer, response, ["code", "msg", "data.file_key"]);
    expect(emu.resource(answer.data.file_key)?.fileName).toBe(requestFields.file_name);
  });
});
