import { describe, expect, it } from "vitest";
import { charSounds } from "../../scripts/char-sounds.ts";
import { CHAR_SOUNDS } from "../../src/domain/char-sounds.ts";
import { soundOf } from "../../src/domain/sound-of.ts";

describe("soundOf", () => {
  it("reads by a table of pinyin-pro's readings of every Han character (else run `npm run char-sounds`)", () => {
    expect(CHAR_SOUNDS).toBe(charSounds());
  });

  it("reads every character of the table as its line says", () => {
    const differing: string[] = [];
    for (const line of CHAR_SOUNDS.split("\n")) {
      const [sound = "", chars = ""] = line.split(" ");
      for (const char of chars) if (soundOf(char) !== sound) differing.push(`${char} ${soundOf(char)} ≠ ${sound}`);
    }
    expect(differing.slice(0, 10)).toEqual([]);
  });

  it("reads homophones alike, and what is not Han or has no reading as itself", () => {
    expect(soundOf("冲")).toBe("chong");
    expect(soundOf("充")).toBe("chong");
    expect(soundOf("了")).toBe("le");
    expect(soundOf("绿")).toBe("lü");
    expect(CHAR_SOUNDS).not.toContain("𪜀");
    expect(["a", "1", "，", "😀", " ", "𪜀"].map(soundOf)).toEqual(["a", "1", "，", "😀", " ", "𪜀"]);
  });
});
