import { afterEach, describe, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { response } from "./fixtures/bot-info.ts";
import { conformanceTenant, expectDocumentedShape } from "./support.ts";

describe("GET /open-apis/bot/v3/info", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers with the documented bot object at the top level", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const answer = await tenant.client.request({ method: "GET", url: "/open-apis/bot/v3/info" });
    expectDocumentedShape(answer, response, ["bot.open_id", "bot.app_name"]);
  });
});
