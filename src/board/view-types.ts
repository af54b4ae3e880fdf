/**
 * What the board's server answers (board-view.ts builds it) and the page reads (page/ imports these types only).
 * Standalone on purpose: the page is type-checked for the browser, without the server's modules.
 */

import type { HeadCounts } from "../domain/metrics.ts";

/** A unit's outline: a GeoJSON Polygon or MultiPolygon (WGS84 [longitude, latitude]). */
export type Outline =
  | { type: "Polygon"; coordinates: number[][][] }
  | { type: "MultiPolygon"; coordinates: number[][][][] };

/** An issue on the board: where it is, what colour, enough to list it. */
export interface BoardIssue {
  number: number;
  /** new | in_progress | awaiting_check | overdue | on_books (src/domain/board-state.ts). */
  state: string;
  status: string;
  category: string | null;
  categoryId: number | null;
  communityId: number | null;
  gridId: number | null;
  grid: string | null;
  point: string | null;
  /** Where it is, when known (the report's position, else its point's), as [longitude, latitude]. */
  position: [number, number] | null;
  text: string;
  reportedAt: string;
  deadline: string | null;
}

/** Everything one unit's board shows. The figures and the ranking are the digest's (src/reports/). */
export interface BoardView {
  generatedAt: string;
  /** The units the link shows; the page offers a switch when there are several. */
  roots: { id: number; name: string }[];
  unit: { id: number; name: string; level: string };
  /** Communities (or, for a community or a grid, itself) with their grids and outlines, for the map or tiles. */
  areas: { id: number; name: string; grids: { id: number; code: string; name: string; boundary: Outline | null }[] }[];
  issues: BoardIssue[];
  categories: { id: number; name: string }[];
  headline: HeadCounts & {
    rate: string;
    cumulativeRate: string;
    rectificationTime: string;
    /** The digest's figure lines. */
    figures: { label: string; value: string }[];
  };
  ranking: {
    title: string;
    rows: { name: string; rank: number; flag: string; rate: string; terms: string }[];
    unranked: string | null;
  };
}

/** What clicking an issue shows: its card's content, with before and after photos as signed links. */
export interface BoardIssueDetail {
  number: number;
  title: string;
  state: string | null;
  status: string;
  category: string | null;
  place: string;
  text: string;
  reporter: string;
  source: string | null;
  reportedAt: string;
  assignee: string | null;
  deadline: string | null;
  overdue: boolean;
  photos: { before: string[]; after: string[] };
  history: { at: string; actor: string; text: string }[];
}
