// A codemod worker thread: loads one codemod by its folder, then transforms the files the main
// thread sends, one after another, answering each with its FileJobResult.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { loadCodemod } from "./discover";
import { transformJob, type FileJob } from "./transform-file";
import type { WorkerInit } from "./pool";

const init = workerData as WorkerInit;
const overlay = new Map(init.overlay);

/** The plan's view of a file: earlier steps' edits first, then the disk. */
function read(rel: string): string | undefined {
  if (overlay.has(rel)) return overlay.get(rel) ?? undefined;
  try {
    return readFileSync(path.join(init.root, rel), "utf8");
  } catch {
    return undefined;
  }
}

const codemod = await loadCodemod(init.folder);

// Jobs arrive a few at a time; they are done strictly one after another, in order.
const queue: Array<{ id: number; job: FileJob }> = [];
let busy = false;
async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  while (queue.length) {
    const { id, job } = queue.shift()!;
    parentPort!.postMessage({
      id,
      result: await transformJob(codemod, job, { project: init.project, options: init.options, read }),
    });
  }
  busy = false;
}
parentPort!.on("message", (message: { id: number; job: FileJob }) => {
  queue.push(message);
  void drain();
});
parentPort!.postMessage({ ready: true });
