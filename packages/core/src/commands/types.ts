/** Domain types shared by the stream commands. */

/** The fields of an entry: field name to value. */
export type StreamFields = Record<string, string>;

/** One stream entry. A field repeated in the entry keeps its last value. */
export interface StreamEntry<F extends StreamFields = StreamFields> {
  /** The entry id, `ms-seq`. */
  id: string;
  /** The entry's fields. */
  fields: F;
}

/**
 * An entry read through a consumer group. `fields` is `null` only in a history read (id other than `>`) when
 * the entry is still pending but was deleted from the stream (XDEL, XTRIM); a `>` read never gives `null`.
 */
export interface GroupReadEntry<F extends StreamFields = StreamFields> {
  /** The entry id, `ms-seq`. */
  id: string;
  /** The entry's fields, or `null` when the pending entry no longer exists in the stream. */
  fields: F | null;
}

/** The entries read from one stream by XREAD (`E` = {@link StreamEntry}) or XREADGROUP ({@link GroupReadEntry}). */
export interface StreamRead<E extends { id: string } = StreamEntry> {
  /** The stream's key. */
  stream: string;
  /** Its entries, oldest first. */
  entries: E[];
}

/** A stream named in XREAD / XREADGROUP, with the id to read after. */
export interface StreamOffset {
  /** The stream's key. */
  key: string;
  /** Read entries after this id (`$` = only new ones for XREAD, `>` = never delivered for XREADGROUP). */
  id: string;
}
