/**
 * Migrations for both dialects, run by Kysely's Migrator (which takes a lock, so several receivers starting
 * against one PostgreSQL migrate once). Only the id and byte column types differ between dialects.
 */
import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, sql } from "kysely";

export type Dialect = "sqlite" | "postgres";

function initial(dialect: Dialect): Migration {
  const bytes = dialect === "sqlite" ? "blob" : "bytea";
  return {
    async up(db: Kysely<unknown>) {
      // SQLite: a plain INTEGER PRIMARY KEY (rowid) is already increasing, and events are never deleted, so
      // AUTOINCREMENT would only add a sqlite_sequence write to every insert.
      const id = (col: ColumnDefinitionBuilder) => col.primaryKey();
      await db.schema
        .createTable("events")
        .addColumn("id", dialect === "sqlite" ? "integer" : "bigserial", id)
        .addColumn("vendor", "text", (c) => c.notNull())
        // Uniqueness is enforced by event_keys' primary key; a second index here would only slow inserts.
        .addColumn("idem_key", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addColumn("event_type", "text")
        .addColumn("domain", "text")
        .addColumn("app", "text")
        .addColumn("stream", "text")
        .addColumn("session_key", "text")
        .addColumn("file_key", "text")
        .addColumn("event_time", "bigint")
        .addColumn("body_authenticated", "integer", (c) => c.notNull())
        .addColumn("key_index", "integer", (c) => c.notNull())
        .addColumn("valid", "integer", (c) => c.notNull())
        .addColumn("issues", "text", (c) => c.notNull())
        .addColumn("unknown_fields", "text", (c) => c.notNull())
        .addColumn("headers", "text", (c) => c.notNull())
        .addColumn("raw_body", sql.raw(bytes), (c) => c.notNull())
        .addColumn("duplicates", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("forward_state", "text")
        .addColumn("forward_attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("forward_next_at", "bigint")
        .addColumn("forward_error", "text")
        .execute();
      await db.schema.createIndex("events_received_at").on("events").column("received_at").execute();
      await db.schema.createIndex("events_session").on("events").columns(["vendor", "session_key"]).execute();
      // Partial: only queued events are indexed, so receivers without forwarding pay nothing for it.
      await db.schema
        .createIndex("events_forward_due")
        .on("events")
        .column("forward_next_at")
        .where(sql.ref("forward_state"), "=", "pending")
        .execute();
      await db.schema
        .createTable("event_keys")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("event_id", "bigint")
        .execute();
      await db.schema
        .createTable("rejections")
        .addColumn("id", dialect === "sqlite" ? "integer" : "bigserial", id)
        .addColumn("vendor", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("headers", "text", (c) => c.notNull())
        .addColumn("raw_body", sql.raw(bytes), (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("dead_letters")
        .addColumn("id", dialect === "sqlite" ? "integer" : "bigserial", id)
        .addColumn("event_id", "bigint", (c) => c.notNull())
        .addColumn("failed_at", "bigint", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("error", "text", (c) => c.notNull())
        .execute();
    },
  };
}

/** SparkRTC file-start sequencing (README "Idempotency") and the bound on kept rejections. */
const sequencesAndRejectionBound: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("file_sequences")
      .addColumn("scope", "text", (c) => c.primaryKey())
      .addColumn("completes", "bigint", (c) => c.notNull())
      .execute();
    // Pruning keeps the newest rejections per vendor; this index makes finding the cut-off cheap.
    await db.schema.createIndex("rejections_vendor_id").on("rejections").columns(["vendor", "id"]).execute();
  },
};

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: async () => ({
      "0001_initial": initial(dialect),
      "0002_file_sequences": sequencesAndRejectionBound,
    }),
  };
}
