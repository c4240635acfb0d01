import PairwiseCore

/// How a person joins a PostgreSQL project (v22): through `pairwise_add_person`, a function
/// of the database owner's, so that leads need no CREATEROLE.
///
/// On PostgreSQL 15 a role with CREATEROLE may grant itself any other non-superuser role and
/// set anyone's password: a lead of one project on a server could make themselves a lead of
/// every other project there, or log in as its owner. The function does only what adding a
/// person needs, and only to this project's groups: it makes the login role when new, puts
/// it in the lead or annotator group (out of the other), and sets or clears the annotators'
/// session limits in this database.
enum PostgresPeople {
    /// The migration: the function, callable by the project's leads only, and CREATEROLE
    /// taken from the leads earlier versions gave it to (neither superusers nor the owner).
    static let migration = function + """
    REVOKE ALL ON FUNCTION public.pairwise_add_person(TEXT, BOOLEAN) FROM PUBLIC;

    """ + privileges + PostgresRoles.groupBlock("""
            FOR person IN SELECT m.rolname FROM pg_roles g JOIN pg_auth_members a ON a.roleid = g.oid JOIN pg_roles m ON m.oid = a.member
                          WHERE g.rolname = lead AND m.rolcreaterole AND NOT m.rolsuper AND m.rolname <> current_user LOOP
                EXECUTE format('ALTER ROLE %I NOCREATEROLE', person);
            END LOOP;
        """)

    /// Only the project's leads (and its owner, who owns the function) may add people.
    static let privileges = PostgresRoles.groupBlock("""
            EXECUTE format('GRANT EXECUTE ON FUNCTION public.pairwise_add_person(TEXT, BOOLEAN) TO %I', lead);
        """)

    static let function = """
    CREATE FUNCTION public.pairwise_add_person(person TEXT, as_lead BOOLEAN) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER \(PostgresBoundary.pinnedPath) AS $$
    DECLARE
        lead TEXT := pg_catalog.current_database() || '_lead';
        annotator TEXT := pg_catalog.current_database() || '_annotator';
        trainer TEXT := pg_catalog.current_database() || '_trainer';
        joined TEXT := CASE WHEN as_lead THEN lead ELSE annotator END;
        other TEXT := CASE WHEN as_lead THEN annotator ELSE lead END;
        can_login BOOLEAN;
        trusted BOOLEAN;
    BEGIN
        IF session_user <> current_user AND NOT pg_catalog.pg_has_role(session_user, lead, 'MEMBER') THEN
            RAISE EXCEPTION 'only a lead of this project adds people' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF person IS NULL OR person = '' OR pg_catalog.octet_length(person) > 63 THEN
            RAISE EXCEPTION 'a name on PostgreSQL has 1 to 63 bytes: it is the person''s login' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF person IN (lead, annotator, trainer) THEN
            RAISE EXCEPTION '% is one of the project''s group roles, not a person', person USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT r.rolcanlogin, r.rolsuper OR r.rolname = current_user INTO can_login, trusted FROM pg_catalog.pg_roles r WHERE r.rolname = person;
        IF NOT FOUND THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN', person);
            trusted := false;
        ELSIF NOT can_login THEN
            RAISE EXCEPTION '% is a role that cannot log in (a group?), not a person', person USING ERRCODE = 'insufficient_privilege';
        END IF;
        EXECUTE pg_catalog.format('GRANT %I TO %I', joined, person);
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   JOIN pg_catalog.pg_roles p ON p.oid = m.member WHERE g.rolname = other AND p.rolname = person) THEN
            EXECUTE pg_catalog.format('REVOKE %I FROM %I', other, person);
        END IF;
        -- The server's admins and the owner keep their own settings.
        IF NOT trusted THEN
            IF as_lead THEN
                EXECUTE \(resetLimits);
            ELSE
                EXECUTE \(PostgresRoles.sessionLimitsStatement("person"));
            END IF;
        END IF;
    END $$;

    """

    /// PL/pgSQL for the statements clearing `sessionLimits` from the role `person` names.
    static let resetLimits = PostgresRoles.sessionLimits.keys.sorted().map { key in
        "pg_catalog.format('ALTER ROLE %I IN DATABASE %I RESET \(key)', person, pg_catalog.current_database())"
    }.joined(separator: ";\n                EXECUTE ")

    /// Makes `name` a login role in the project's group for `role` (creating it when new),
    /// out of the other group, through `pairwise_add_person`; the checks here only word the
    /// refusals the function makes too.
    static func add(_ name: String, role: Role, _ sql: SQLConnection) throws {
        let groups = try PostgresRoles.Groups(sql)
        // A role name is at most 63 bytes (PostgreSQL cuts longer ones: the login would be
        // someone else), and never one of the project's groups, nor a role that cannot log in.
        guard name.utf8.count <= 63 else {
            throw StoreError(.invalid, "a name on PostgreSQL has at most 63 bytes (\(name.utf8.count) given): it is the person's login")
        }
        guard ![groups.lead, groups.annotator, groups.trainer].contains(name) else {
            throw StoreError(.refused, "\(name) is one of the project's group roles, not a person")
        }
        if try PostgresRoles.roleExists(name, sql),
           try sql.integer("SELECT count(*) FROM pg_roles WHERE rolname = ? AND rolcanlogin", [.text(name)]) == 0 {
            throw StoreError(.refused, "\(name) is a role that cannot log in (a group?), not a person")
        }
        try sql.execute("SELECT public.pairwise_add_person(?, ? = 1)", [.text(name), .integer(role == .lead ? 1 : 0)])
    }
}
