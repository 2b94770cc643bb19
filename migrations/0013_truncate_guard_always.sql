-- The TRUNCATE guards of 0012 fire in every session, as the triggers that keep `owed` do: a bulk
-- load under session_replication_role = replica (the demo's) must not truncate past the kept figure.
ALTER TABLE policies ENABLE ALWAYS TRIGGER policies_no_truncate;--> statement-breakpoint
ALTER TABLE claims ENABLE ALWAYS TRIGGER claims_no_truncate;
