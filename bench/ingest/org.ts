/**
 * The org of the ingest benchmark, written as an org file and imported through the product's importer: one street
 * with `chats` communities, each with its work group, four grids with two named places each, a grid worker per grid,
 * grid heads and a secretary; the street's leader group and the three departments the catalogue dispatches to.
 */

import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { hexId, type Random } from "../lib/rng.ts";
import { COMMUNITY_NAMES, gridOrdinal, PLACE_KINDS, personName } from "../lib/texts.ts";

const GRIDS_PER_COMMUNITY = 4;
const PLACES_PER_GRID = 2;

/** A grid worker who reports in a work group, with the places of their grid. */
export interface Reporter {
  openId: string;
  name: string;
  places: string[];
}

/** A work group of the generated org. */
export interface BenchChat {
  chatId: string;
  name: string;
  reporters: Reporter[];
  /** Everyone in the group (reporters, heads, the secretary). */
  members: string[];
}

/** What the org file holds, for seeding the emulator. */
export interface BenchOrg {
  chats: BenchChat[];
  leaderChat: { chatId: string; name: string; members: string[] };
  people: { openId: string; name: string }[];
}

/** Writes the org file to `path` and returns its chats and people. */
export function writeIngestOrg(path: string, chats: number, random: Random): BenchOrg {
  const units: Record<string, string>[] = [
    { code: "bench", name: "示范区", level: "district" },
    { code: "bench-st", name: "幸福街道", parent: "bench", level: "street" },
  ];
  const points: Record<string, string>[] = [];
  const people: { name: string; open_id: string; duties: { unit: string; role: string }[] }[] = [];
  const chatRows: Record<string, string>[] = [];
  const org: BenchOrg = { chats: [], leaderChat: { chatId: "", name: "", members: [] }, people: [] };
  const person = (role: string, unit: string) => {
    const entry = { name: personName(random), open_id: `ou_${hexId(random)}`, duties: [{ unit, role }] };
    people.push(entry);
    org.people.push({ openId: entry.open_id, name: entry.name });
    return entry;
  };

  for (const [code, name] of [
    ["cgzf", "城管执法中队"],
    ["scjg", "市场监管所"],
    ["wyb", "物业办"],
  ] as const) {
    units.push({ code, name, parent: "bench-st", level: "department" });
    person("responder", code);
  }
  const leader = person("leader", "bench-st");

  for (let c = 0; c < chats; c++) {
    const base = COMMUNITY_NAMES[c % COMMUNITY_NAMES.length] ?? "幸福里";
    const community = c < COMMUNITY_NAMES.length ? base : `${base}${Math.floor(c / COMMUNITY_NAMES.length) + 1}`;
    const code = `c${String(c + 1).padStart(3, "0")}`;
    units.push({ code, name: `${community}社区`, parent: "bench-st", level: "community" });
    const members: string[] = [person("secretary", code).open_id];
    const reporters: Reporter[] = [];
    for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++) {
      const gridCode = `${code}-${g}`;
      units.push({ code: gridCode, name: `${community}${gridOrdinal(g)}`, parent: code, level: "grid" });
      const places: string[] = [];
      for (let p = 0; p < PLACES_PER_GRID; p++) {
        const kind = PLACE_KINDS[((g - 1) * PLACES_PER_GRID + p) % PLACE_KINDS.length] ?? "菜市场";
        const placeName = `${community}${kind}`;
        points.push({ code: `${gridCode}-${p + 1}`, name: placeName, grid: gridCode });
        places.push(placeName);
      }
      const worker = person("grid_worker", gridCode);
      reporters.push({ openId: worker.open_id, name: worker.name, places });
      members.push(worker.open_id);
      if (g % 2 === 1) {
        const head = person("grid_head", gridCode);
        head.duties.push({ unit: `${code}-${g + 1}`, role: "grid_head" });
        members.push(head.open_id);
      }
    }
    const chatId = `oc_${hexId(random)}`;
    const chatName = `${community}社区创城工作群`;
    chatRows.push({ chat_id: chatId, name: chatName, unit: code, purpose: "work" });
    org.chats.push({ chatId, name: chatName, reporters, members });
  }

  const leaderChatId = `oc_${hexId(random)}`;
  chatRows.push({ chat_id: leaderChatId, name: "幸福街道创城领导群", unit: "bench-st", purpose: "leader" });
  org.leaderChat = { chatId: leaderChatId, name: "幸福街道创城领导群", members: [leader.open_id] };
  writeFileSync(path, stringify({ units, points, people, chats: chatRows }));
  return org;
}
