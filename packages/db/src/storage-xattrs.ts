// The headers Supabase's storage file backend serves a file with come from the file's extended
// attributes, not from the database: on Linux (the service's container) it reads
// user.supabase.content-type and user.supabase.cache-control, and without them it answers
// application/octet-stream and no-cache (its ETag it computes from the file itself). So restore
// writes both from the object's storage.objects metadata. Node has no xattr API; the well-known
// native addon for it (fs-xattr, what the storage service itself uses) needs a compiler at install
// time, which an `npx ownit` user rarely has, so this runs `setfattr --restore` (Debian/Ubuntu
// `attr`, on most Linux machines) once for all files, and reports plainly when it is missing or the
// filesystem refuses user attributes: the bytes are restored either way.
import { spawn } from "node:child_process";

/** The attribute names the file backend reads on Linux (supabase/storage src/storage/backend/file.ts). */
export const STORAGE_FILE_XATTRS = {
  contentType: "user.supabase.content-type",
  cacheControl: "user.supabase.cache-control",
} as const;

export interface FileHeaders {
  file: string;
  contentType?: string;
  cacheControl?: string;
}

export type XattrOutcome = { written: number } | { notWritten: string };

/** getfattr's dump quoting, which setfattr --restore reads back: every byte that is not plain printable ASCII as \ooo. */
function quote(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const plain = byte > 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x22 && byte !== 0x3d;
    out += plain ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return out;
}

/** The dump setfattr --restore applies: one block per file, its attributes as name="value". */
export function xattrDump(files: FileHeaders[]): string {
  return files
    .map((f) => {
      const lines = [`# file: ${quote(f.file)}`];
      if (f.contentType) lines.push(`${STORAGE_FILE_XATTRS.contentType}="${quote(f.contentType)}"`);
      if (f.cacheControl) lines.push(`${STORAGE_FILE_XATTRS.cacheControl}="${quote(f.cacheControl)}"`);
      return lines.length > 1 ? `${lines.join("\n")}\n\n` : "";
    })
    .join("");
}

/** Sets the content-type and cache-control attributes of each file (absolute paths); never throws. */
export function writeStorageXattrs(files: FileHeaders[], setfattr = "setfattr"): Promise<XattrOutcome> {
  const dump = xattrDump(files);
  if (!dump) return Promise.resolve({ written: 0 });
  return new Promise((resolve) => {
    const child = spawn(setfattr, ["--restore=-"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({
        notWritten:
          error.code === "ENOENT"
            ? "setfattr is not installed (Debian/Ubuntu: apt-get install attr)"
            : `setfattr failed (${error.message})`,
      }),
    );
    child.on("close", (code) => {
      if (code === 0) resolve({ written: files.filter((f) => f.contentType || f.cacheControl).length });
      else if (code !== null) resolve({ notWritten: `setfattr failed: ${stderr.trim().split("\n")[0] || `exit ${code}`}` });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(dump);
  });
}
