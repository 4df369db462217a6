import { DatasetError } from "./errors.js";

/**
 * The regular files of a tar archive (POSIX ustar and the GNU variant): 512-byte headers with the
 * name at byte 0 (ustar prefix at 345) and the size in octal at 124, data padded to 512 bytes.
 * Enough for dataset archives; links, sparse files and pax extended names are skipped.
 */
export function readTar(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  const text = (start: number, length: number) => {
    const field = bytes.subarray(start, start + length);
    const end = field.indexOf(0);
    return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
  };
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    if (bytes.subarray(offset, offset + 512).every((b) => b === 0)) break;
    const size = parseInt(text(offset + 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size) || size < 0) throw new DatasetError(`${file}: corrupt tar header at byte ${offset}`, file);
    const type = String.fromCharCode(bytes[offset + 156] || 0x30);
    const prefix = text(offset + 257, 6).startsWith("ustar") ? text(offset + 345, 155) : "";
    const name = prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100);
    const start = offset + 512;
    if (start + size > bytes.length) throw new DatasetError(`${file}: truncated tar archive (${name} needs ${size} bytes, ${bytes.length - start} left)`, file);
    if (type === "0" || type === "\0") entries.set(name, bytes.subarray(start, start + size));
    offset = start + Math.ceil(size / 512) * 512;
  }
  return entries;
}
