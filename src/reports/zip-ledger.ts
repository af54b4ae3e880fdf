/**
 * Packs an exported ledger folder (the workbook and its 照片 folder, see export-ledger.ts) into .zip files that a
 * chat can carry: Lark takes files up to 30 MB, so a folder larger than `maxBytes` is split into volumes, each a
 * plain .zip to unpack into the same place (the workbook in the first, photos spread over all of them), named
 * "<name>（1／3）.zip". Entries are stored, not compressed: the workbook and the photos are compressed already.
 * Names are written in UTF-8 (flagged as such, which Windows Explorer, WPS and unzip honour).
 */

import { createWriteStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import { volumeFileName } from "../texts/ledger.ts";

/** Thrown when a single file, or the whole folder in at most `maxVolumes` volumes, does not fit. */
export class LedgerTooLargeError extends Error {
  readonly code = "ledger_too_large";
  constructor(readonly bytes: number) {
    super(`Ledger export of ${bytes} bytes does not fit the volumes allowed`);
    this.name = "LedgerTooLargeError";
  }
}

/** What {@link zipLedgerFolder} packs and how. */
export interface ZipLedgerOptions {
  /** The exported folder: the workbook and the photo folder. */
  folder: string;
  /** The workbook's file name inside the folder; it goes first, into the first volume. */
  workbook: string;
  /** The photo folder's name inside the folder. */
  photoFolder: string;
  /** Where the volumes are written and what they are called, without ".zip". */
  outBase: string;
  /** Largest size of one volume, in bytes. */
  maxBytes: number;
  /** Most volumes allowed. */
  maxVolumes: number;
}

/** Bytes a stored entry adds besides its data: local header, data descriptor and central directory record. */
const ENTRY_OVERHEAD = 30 + 24 + 46 + 36;
/** The end-of-central-directory records (with room for ZIP64). */
const ARCHIVE_OVERHEAD = 22 + 56 + 20;

/**
 * Packs the folder into one .zip, or into volumes when it is larger than `maxBytes`, and resolves with their paths
 * in order. Throws LedgerTooLargeError (before writing anything) when one file alone, or the folder in
 * `maxVolumes` volumes, would not fit.
 */
export async function zipLedgerFolder(options: ZipLedgerOptions): Promise<string[]> {
  const entries = [{ name: options.workbook, path: join(options.folder, options.workbook) }];
  const photos = (await readdir(join(options.folder, options.photoFolder))).sort();
  for (const file of photos) {
    entries.push({ name: `${options.photoFolder}/${file}`, path: join(options.folder, options.photoFolder, file) });
  }

  const volumes: { name: string; path: string }[][] = [[]];
  let used = ARCHIVE_OVERHEAD;
  let total = 0;
  for (const entry of entries) {
    const size = (await stat(entry.path)).size + ENTRY_OVERHEAD + 2 * Buffer.byteLength(entry.name);
    total += size;
    if (size + ARCHIVE_OVERHEAD > options.maxBytes) throw new LedgerTooLargeError(size);
    const current = volumes[volumes.length - 1] as { name: string; path: string }[];
    if (used + size > options.maxBytes && current.length > 0) {
      volumes.push([entry]);
      used = ARCHIVE_OVERHEAD + size;
    } else {
      current.push(entry);
      used += size;
    }
  }
  if (volumes.length > options.maxVolumes) throw new LedgerTooLargeError(total);

  const paths = volumes.map((_, i) =>
    volumes.length === 1 ? `${options.outBase}.zip` : volumeFileName(options.outBase, i + 1, volumes.length),
  );
  for (const [i, volume] of volumes.entries()) await writeZip(volume, paths[i] as string);
  return paths;
}

async function writeZip(entries: { name: string; path: string }[], out: string): Promise<void> {
  const zip = new ZipFile();
  // A file that cannot be read is reported on the zip itself; it ends the output stream with that error.
  zip.on("error", (error: Error) => (zip.outputStream as Readable).destroy(error));
  for (const entry of entries) zip.addFile(entry.path, entry.name, { compress: false });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
}
