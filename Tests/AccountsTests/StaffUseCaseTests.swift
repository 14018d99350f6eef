import Core
import Fluent
import Foundation
import SQLKit
import TestSupport
import Testing
import Vapor

@testable import Accounts

/// What the staff of a territory do (assisted profiles, roles, themes) and what a person does
/// with their own account, on a small in-memory database.
@Suite("Staff and account use cases")
struct StaffUseCaseTests {
    static let odette = ["alias": "Odette", "commune": "35360", "phone": "06 11 22 33 44", "consent": "on"]

    static func assisted(_ world: UseCaseWorld, by partner: Actor, in vitre: TerritoryInfo) async throws -> Int {
        let outcome = try await CreateAssistedProfile.run(odette, territory: vitre, actor: partner, env: world.env)
        guard case .created(let id, "Odette") = outcome else { throw Abort(.internalServerError, reason: "\(outcome)") }
        return id
    }

    // MARK: - Assisted profiles

    @Test func aPartnerCreatesAnAssistedProfileWithTheOralAgreementInTheAuditTrail() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let partner = try await world.person(
                "Monique", email: "partenaire@exemple.fr", roles: [.patientPartner], in: vitre)
            let id = try await Self.assisted(world, by: partner, in: vitre)
            let person = try #require(try await AccountStore.person(id, on: world.db))
            #expect(person.isAssisted && person.email == nil && person.phone == "06 11 22 33 44")
            #expect(person.createdByID == partner.personID && person.communeCode == "35360")
            #expect(try await AccountStore.roles(personID: id, territoryID: vitre.id, on: world.db) == [.resident])
            let consent = try #require(try await AccountStore.consents(personID: id, on: world.db).first)
            #expect(consent.kind == "assisted_oral" && consent.collectedByID == partner.personID)
            #expect(try await world.audit() == ["assisted.created"])
        }
    }

    @Test func aBadAssistedProfileFormSavesNothing() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let partner = try await world.person("Monique", email: "p@exemple.fr", roles: [.patientPartner], in: vitre)
            let outcome = try await CreateAssistedProfile.run(
                ["alias": "Odette", "commune": "99999", "phone": "0612"], territory: vitre, actor: partner,
                env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors.fields == ["commune", "phone", "consent"])
            #expect(try await Person.query(on: world.db).filter(\.$isAssisted == true).count() == 0)
            #expect(try await world.audit().isEmpty)
        }
    }

    @Test func aResidentCreatesNoAssistedProfile() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let resident = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            #expect(
                try await CreateAssistedProfile.run(Self.odette, territory: vitre, actor: resident, env: world.env)
                    == .forbidden)
            #expect(
                try await CreateAssistedProfile.run(
                    Self.odette, territory: vitre, actor: UseCaseWorld.anonymous, env: world.env) == .forbidden)
        }
    }

    @Test func theStaffExportAnAssistedProfileOfTheirTerritoryOnly() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(slug: "broceliande", name: "Brocéliande", communes: [("35001", "A")])
            let partner = try await world.person("Monique", email: "p@exemple.fr", roles: [.patientPartner], in: vitre)
            let id = try await Self.assisted(world, by: partner, in: vitre)
            let outcome = try await ExportAssistedProfile.run(
                personID: id, territory: vitre, modules: [], territories: [vitre, other], actor: partner,
                env: world.env)
            guard case .exported(let document) = outcome else { Issue.record("expected data, got \(outcome)"); return }
            guard case .object(let account)? = document["account"] else { Issue.record("no account"); return }
            #expect(account["display_name"] == .string("Odette"))
            #expect(document["exported_at"] == .date(world.clock.now))
            #expect(try await world.audit() == ["assisted.created", "assisted.exported"])

            // Through another territory the profile does not exist; nor is a person with an account a profile.
            let outsider = try await world.person(
                "Yannick", email: "y@exemple.fr", roles: [.coordinator], in: other)
            #expect(
                try await ExportAssistedProfile.run(
                    personID: id, territory: other, modules: [], territories: [vitre, other], actor: outsider,
                    env: world.env) == .notFound)
            #expect(
                try await ExportAssistedProfile.run(
                    personID: try #require(partner.personID), territory: vitre, modules: [], territories: [vitre],
                    actor: partner, env: world.env) == .notFound)
        }
    }

    @Test func aResidentExportsNobodysProfile() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let partner = try await world.person("Monique", email: "p@exemple.fr", roles: [.patientPartner], in: vitre)
            let resident = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            let id = try await Self.assisted(world, by: partner, in: vitre)
            #expect(
                try await ExportAssistedProfile.run(
                    personID: id, territory: vitre, modules: [], territories: [vitre], actor: resident,
                    env: world.env) == .forbidden)
            #expect(
                try await EraseAssistedProfile.run(
                    personID: id, territory: vitre, modules: [], actor: resident, env: world.env) == .forbidden)
            #expect(try await AccountStore.person(id, on: world.db) != nil)
        }
    }

    @Test func theStaffEraseAnAssistedProfileOfTheirTerritory() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(slug: "broceliande", name: "Brocéliande", communes: [("35001", "A")])
            let partner = try await world.person("Monique", email: "p@exemple.fr", roles: [.patientPartner], in: vitre)
            let outsider = try await world.person("Yannick", email: "y@exemple.fr", roles: [.coordinator], in: other)
            let id = try await Self.assisted(world, by: partner, in: vitre)
            #expect(
                try await EraseAssistedProfile.run(
                    personID: id, territory: other, modules: [], actor: outsider, env: world.env) == .notFound)
            #expect(try await AccountStore.person(id, on: world.db) != nil)
            #expect(
                try await EraseAssistedProfile.run(
                    personID: id, territory: vitre, modules: [], actor: partner, env: world.env) == .erased)
            #expect(try await AccountStore.person(id, on: world.db) == nil)
            #expect(try await Membership.query(on: world.db).filter(\.$personID == id).count() == 0)
            let entry = try #require(try await AuditEntry.query(on: world.db).sort(\.$id, .descending).first())
            #expect(entry.action == "account.erased" && entry.subject == "assisted profile")
            #expect(entry.actorID == partner.personID && entry.territoryID == vitre.id)
        }
    }

    // MARK: - Roles

    static func admin(_ world: UseCaseWorld, in vitre: TerritoryInfo) async throws -> Actor {
        try await world.person("Admin", email: "admin@exemple.fr", roles: [.admin], in: vitre)
    }

    // MARK: - Disclosure threshold

    @Test func aCoordinatorSetsTheDisclosureThresholdToElevenInTheAuditTrail() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Claire", email: "c@exemple.fr", roles: [.coordinator], in: vitre)
            #expect(
                try await SetDisclosureThreshold.run(
                    ["seuil": "11"], territory: vitre, actor: coordinator, env: world.env)
                    == .saved(threshold: 11))
            struct Row: Decodable { let disclosure_threshold: Int? }
            let stored = try await world.db.sql.raw(
                "SELECT disclosure_threshold FROM territories WHERE id = \(bind: vitre.id)"
            ).first(decoding: Row.self)
            #expect(stored?.disclosure_threshold == 11)
            #expect(try await world.audit() == ["territory.disclosure"])
        }
    }

    @Test func aThresholdOutsideTheChoicesOrFromAResidentIsRefused() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Claire", email: "c@exemple.fr", roles: [.coordinator], in: vitre)
            let resident = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            for bad in ["2", "4", "", "onze", "12"] {
                guard
                    case .invalid(let errors) = try await SetDisclosureThreshold.run(
                        ["seuil": bad], territory: vitre, actor: coordinator, env: world.env)
                else { Issue.record("\(bad) taken"); return }
                #expect(errors["seuil"] == "Choisissez l'un des deux seuils proposés : 5 ou 11.")
            }
            #expect(
                try await SetDisclosureThreshold.run(["seuil": "11"], territory: vitre, actor: resident, env: world.env)
                    == .forbidden)
            #expect(try await world.audit().isEmpty)
        }
    }

    @Test func anAdministratorGrantsARoleOnceInTheAuditTrail() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let admin = try await Self.admin(world, in: vitre)
            let anne = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            let form = RoleChangeForm.parse(["email": "ANNE@exemple.fr", "role": "patient_partner", "action": "grant"])
            for _ in 0..<2 {
                #expect(
                    try await ChangeRole.run(form, territory: vitre, actor: admin, env: world.env)
                        == .granted(name: "Anne", role: .patientPartner))
            }
            let roles = try await AccountStore.roles(
                personID: try #require(anne.personID), territoryID: vitre.id, on: world.db)
            #expect(roles == [.resident, .patientPartner])
            #expect(try await world.audit() == ["role.granted", "role.granted"])
        }
    }

    @Test func anAdministratorWithdrawsARoleInTheAuditTrail() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let admin = try await Self.admin(world, in: vitre)
            let anne = try await world.person(
                "Anne", email: "anne@exemple.fr", roles: [.resident, .patientPartner], in: vitre)
            let form = RoleChangeForm.parse(["email": "anne@exemple.fr", "role": "patient_partner", "action": "revoke"])
            #expect(
                try await ChangeRole.run(form, territory: vitre, actor: admin, env: world.env)
                    == .withdrawn(name: "Anne", role: .patientPartner))
            let roles = try await AccountStore.roles(
                personID: try #require(anne.personID), territoryID: vitre.id, on: world.db)
            #expect(roles == [.resident])
            #expect(try await world.audit() == ["role.revoked"])
        }
    }

    @Test func unknownAccountsMissingChoicesAndOnesOwnAdministratorRoleAreRefused() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let admin = try await Self.admin(world, in: vitre)
            let unknown = try await ChangeRole.run(
                RoleChangeForm.parse(["email": "inconnu@exemple.fr", "role": "nope"]), territory: vitre, actor: admin,
                env: world.env)
            guard case .invalid(let errors) = unknown else { Issue.record("expected errors, got \(unknown)"); return }
            #expect(errors.fields == ["email", "role"])
            #expect(errors["email"] == "Aucun compte n'a cette adresse e-mail.")
            let own = try await ChangeRole.run(
                RoleChangeForm.parse(["email": "admin@exemple.fr", "role": "admin", "action": "revoke"]),
                territory: vitre, actor: admin, env: world.env)
            guard case .invalid(let ownErrors) = own else { Issue.record("expected errors, got \(own)"); return }
            #expect(ownErrors["role"] == "Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
            #expect(
                try await AccountStore.roles(
                    personID: try #require(admin.personID), territoryID: vitre.id, on: world.db) == [.admin])
            #expect(try await world.audit().isEmpty)
        }
    }

    @Test func aCoordinatorChangesNoRole() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@exemple.fr", roles: [.coordinator], in: vitre)
            _ = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            let form = RoleChangeForm.parse(["email": "anne@exemple.fr", "role": "admin", "action": "grant"])
            #expect(try await ChangeRole.run(form, territory: vitre, actor: coordinator, env: world.env) == .forbidden)
            #expect(try await world.audit().isEmpty)
        }
    }

    // MARK: - Themes

    @Test func aCoordinatorAddsAThemeThenHidesIt() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@exemple.fr", roles: [.coordinator], in: vitre)
            let added = try await AddTheme.run(
                ["label_fr": "  Santé   des aidants "], territory: vitre, actor: coordinator, env: world.env)
            #expect(added == .saved(label: "Santé des aidants"))
            let rows = try #require(try await TerritoryThemes.rows(on: world.db)[vitre.id])
            #expect(rows.map(\.slug) == ["sante-des-aidants"])
            #expect(rows.first?.bitIndex == vitre.themes.nextBit())
            let theme = try #require(vitre.themes.visible.first)
            let hidden = try await ChangeTheme.run(
                ["theme": theme.slug, "state": "masque"], territory: vitre, actor: coordinator, env: world.env)
            #expect(hidden == .saved(label: theme.label.fr))
            #expect(try await world.audit() == ["theme.added", "theme.hidden"])
        }
    }

    @Test func aBadThemeFormIsSaidNextToItsField() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@exemple.fr", roles: [.coordinator], in: vitre)
            let taken = try #require(vitre.themes.all.first)
            let add = try await AddTheme.run(
                ["label_fr": taken.label.fr.uppercased()], territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let errors) = add else { Issue.record("expected errors, got \(add)"); return }
            #expect(errors["add-label_fr"] == "Ce thème existe déjà dans la liste.")
            let edit = try await ChangeTheme.run(
                ["theme": "inconnu", "state": "autre"], territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let editErrors) = edit else { Issue.record("expected errors, got \(edit)"); return }
            #expect(editErrors.fields == ["edit-theme", "edit-state"])
            #expect(try await world.audit().isEmpty)
        }
    }

    @Test func aResidentEditsNoTheme() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let resident = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            #expect(
                try await AddTheme.run(["label_fr": "Aidants"], territory: vitre, actor: resident, env: world.env)
                    == .forbidden)
            #expect(
                try await ChangeTheme.run(
                    ["theme": "x", "state": "propose"], territory: vitre, actor: resident, env: world.env)
                    == .forbidden)
        }
    }

    // MARK: - One's own account

    @Test func aPersonJoinsATerritoryOnce() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(slug: "broceliande", name: "Brocéliande", communes: [("35001", "A")])
            let anne = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            #expect(try await JoinTerritory.run(territory: other, actor: anne, env: world.env) == .joined)
            #expect(try await JoinTerritory.run(territory: other, actor: anne, env: world.env) == .alreadyMember)
            #expect(
                try await AccountStore.roles(personID: try #require(anne.personID), territoryID: other.id, on: world.db)
                    == [.resident])
            #expect(
                try await JoinTerritory.run(territory: other, actor: UseCaseWorld.anonymous, env: world.env)
                    == .forbidden)
        }
    }

    @Test func aPersonSavesTheirProfileWithACommuneOfTheirTerritories() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(slug: "broceliande", name: "Brocéliande", communes: [("35001", "A")])
            let anne = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            let refused = try await UpdateProfile.run(
                ["display_name": "Anne L.", "commune": "35001"], territories: [vitre, other], actor: anne,
                env: world.env)
            guard case .invalid(let errors) = refused else { Issue.record("expected errors, got \(refused)"); return }
            #expect(errors.fields == ["commune"], "a commune of a territory she is not a member of")
            let anneID = try #require(anne.personID)
            #expect(try await AccountStore.person(anneID, on: world.db)?.displayName == "Anne")
            let saved = try await UpdateProfile.run(
                ["display_name": "Anne L.", "commune": "35360", "age_band": "60-74"], territories: [vitre, other],
                actor: anne, env: world.env)
            #expect(saved == .saved)
            let person = try #require(try await AccountStore.person(anneID, on: world.db))
            #expect(person.displayName == "Anne L." && person.communeCode == "35360" && person.ageBand == "60-74")
            #expect(
                try await UpdateProfile.run(
                    ["display_name": "X"], territories: [vitre], actor: UseCaseWorld.anonymous, env: world.env)
                    == .notFound)
        }
    }

    @Test func aPersonErasesTheirAccountWithTheirPassword() async throws {
        try await UseCaseWorld.with([]) { world in
            world.app.passwords.use(.plaintext)
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            let id = try #require(anne.personID)
            try await Person.query(on: world.db).filter(\.$id == id).set(\.$passwordHash, to: "une phrase assez longue")
                .update()
            let wrong = try await EraseAccount.run(
                password: "mauvais", confirmed: false, modules: [], hasher: world.app.password.async, actor: anne,
                env: world.env)
            guard case .invalid(let errors) = wrong else { Issue.record("expected errors, got \(wrong)"); return }
            #expect(errors.fields == ["password", "confirm"])
            #expect(try await AccountStore.person(id, on: world.db) != nil)
            let erased = try await EraseAccount.run(
                password: "une phrase assez longue", confirmed: true, modules: [], hasher: world.app.password.async,
                actor: anne, env: world.env)
            #expect(erased == .erased)
            #expect(try await AccountStore.person(id, on: world.db) == nil)
            #expect(try await AccountStore.memberships(personID: id, on: world.db).isEmpty)
            let entry = try #require(try await AuditEntry.query(on: world.db).first())
            #expect(entry.action == "account.erased" && entry.subject == "own account" && entry.actorID == nil)
            #expect(entry.at == world.clock.now)
            #expect(
                try await EraseAccount.run(
                    password: "une phrase assez longue", confirmed: true, modules: [],
                    hasher: world.app.password.async, actor: anne, env: world.env) == .notFound)
        }
    }

    @Test func aPersonDownloadsTheirOwnData() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@exemple.fr", roles: [.resident], in: vitre)
            let outcome = try await ExportOwnData.run(
                modules: [], territories: [vitre], actor: anne, env: world.env)
            guard case .exported(let document) = outcome else { Issue.record("expected data, got \(outcome)"); return }
            guard case .list(let memberships)? = document["memberships"], case .object(let first)? = memberships.first
            else { Issue.record("no memberships"); return }
            #expect(first["territory"] == .string("Vitré Communauté") && first["role"] == .string("resident"))
            #expect(
                try await ExportOwnData.run(
                    modules: [], territories: [vitre], actor: UseCaseWorld.anonymous, env: world.env) == .forbidden)
        }
    }
}

@Suite("Accounts policy")
struct AccountsPolicyTests {
    static func actor(_ id: Int?, _ roles: Set<Role>) -> Actor { Actor(personID: id, roles: roles) }

    @Test func assistedProfilesAreActedForByTheStaffOfTheirTerritoryOnly() {
        let partner = Self.actor(1, [.patientPartner])
        let profile = AccountsPolicy.Subject.profile(personID: 9, isAssisted: true, memberHere: true)
        #expect(AccountsPolicy.allows(partner, .actForProfile, on: profile))
        #expect(
            !AccountsPolicy.allows(
                partner, .actForProfile, on: .profile(personID: 9, isAssisted: true, memberHere: false)))
        #expect(
            !AccountsPolicy.allows(
                partner, .actForProfile, on: .profile(personID: 9, isAssisted: false, memberHere: true)))
        #expect(!AccountsPolicy.allows(Self.actor(2, [.resident]), .actForProfile, on: profile))
        #expect(!AccountsPolicy.allows(Self.actor(nil, [.admin]), .actForProfile, on: profile))
    }

    @Test func anAdministratorKeepsTheirOwnAdministratorRole() {
        let admin = Self.actor(1, [.admin])
        #expect(AccountsPolicy.allows(admin, .revokeRole, on: .role(personID: 2, role: .admin)))
        #expect(AccountsPolicy.allows(admin, .revokeRole, on: .role(personID: 1, role: .coordinator)))
        #expect(!AccountsPolicy.allows(admin, .revokeRole, on: .role(personID: 1, role: .admin)))
        #expect(AccountsPolicy.allows(admin, .grantRole, on: .role(personID: 1, role: .admin)))
        #expect(!AccountsPolicy.allows(Self.actor(3, [.coordinator]), .grantRole, on: .role(personID: 2, role: .admin)))
    }

    @Test func anAccountIsOnlyOnesOwn() {
        let anne = Self.actor(1, [])
        #expect(
            AccountsPolicy.allows(
                anne, .manageOwnAccount, on: .profile(personID: 1, isAssisted: false, memberHere: true)))
        #expect(
            !AccountsPolicy.allows(
                anne, .manageOwnAccount, on: .profile(personID: 2, isAssisted: false, memberHere: true)))
        #expect(AccountsPolicy.allows(anne, .joinTerritory))
        #expect(!AccountsPolicy.allows(Self.actor(nil, []), .joinTerritory))
    }
}
