import type { RecordedFile, RecordingStore } from "./recording-handler.js";

/** The store of the tests: files in memory, one per `downloadUrl`, as a unique index keeps them in a database. */
export class MemoryRecordingStore implements RecordingStore {
  readonly files = new Map<string, RecordedFile>();
  /** Every call, duplicates included, to tell what reached the store from what it kept. */
  saveCalls = 0;

  async saveFile(file: RecordedFile): Promise<boolean> {
    this.saveCalls++;
    if (this.files.has(file.downloadUrl)) return false;
    this.files.set(file.downloadUrl, file);
    return true;
  }
}
