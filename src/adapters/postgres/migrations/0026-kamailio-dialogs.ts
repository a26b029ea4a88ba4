import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Kamailio's dialog module keeps its dialogs here (db_mode 2, see config/kamailio.cfg.tpl),
 * so a restarted Kamailio still knows the calls that were talking and relays their BYEs.
 * The tables are Kamailio 5.6's own (/usr/share/kamailio/postgres/dialog-create.sql and
 * standard-create.sql from kamailio-postgres-modules): Kamailio checks the `version` rows
 * at start-up and refuses tables of another version. Kamailio owns their rows; the service
 * never writes them. Numbered 0026, after the others main holds (0025).
 */
export const migration0026KamailioDialogs: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table if not exists version (
      id serial primary key not null,
      table_name varchar(32) not null,
      table_version integer default 0 not null,
      constraint version_table_name_idx unique (table_name)
    )`.execute(db);
    await sql`create table dialog (
      id serial primary key not null,
      hash_entry integer not null,
      hash_id integer not null,
      callid varchar(255) not null,
      from_uri varchar(255) not null,
      from_tag varchar(128) not null,
      to_uri varchar(255) not null,
      to_tag varchar(128) not null,
      caller_cseq varchar(20) not null,
      callee_cseq varchar(20) not null,
      caller_route_set varchar(512),
      callee_route_set varchar(512),
      caller_contact varchar(255) not null,
      callee_contact varchar(255) not null,
      caller_sock varchar(64) not null,
      callee_sock varchar(64) not null,
      state integer not null,
      start_time integer not null,
      timeout integer default 0 not null,
      sflags integer default 0 not null,
      iflags integer default 0 not null,
      toroute_name varchar(32),
      req_uri varchar(255) not null,
      xdata varchar(512)
    )`.execute(db);
    await sql`create index dialog_hash_idx on dialog (hash_entry, hash_id)`.execute(db);
    await sql`create table dialog_vars (
      id serial primary key not null,
      hash_entry integer not null,
      hash_id integer not null,
      dialog_key varchar(128) not null,
      dialog_value varchar(512) not null
    )`.execute(db);
    await sql`create index dialog_vars_hash_idx on dialog_vars (hash_entry, hash_id)`.execute(db);
    await sql`insert into version (table_name, table_version) values ('version', 1), ('dialog', 7), ('dialog_vars', 1)
      on conflict (table_name) do update set table_version = excluded.table_version`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists dialog_vars`.execute(db);
    await sql`drop table if exists dialog`.execute(db);
    await sql`delete from version where table_name in ('dialog', 'dialog_vars')`.execute(db);
  },
};
