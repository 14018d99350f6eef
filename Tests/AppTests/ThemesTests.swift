import Accounts
import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Territory themes", .serialized)
struct ThemesTests {
    @Test func coordinatorsEditTheirTerritorysThemeList() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let page = try await coordinator.get("/vitre/themes")
            #expect(coordinator.lastStatus == .ok)
            #expect(page.contains("Parcours de soins") && page.contains("Droits des usagers"))

            // Bad input: a name without a letter, then a name already in the list; nothing saved, input kept.
            try await coordinator.post("/vitre/themes/ajouter", ["label_fr": "  !! ", "label_en": "Carers"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Indiquez le nom du thème"))
            #expect(coordinator.lastBody.contains("value=\"Carers\""))
            try await coordinator.post("/vitre/themes/ajouter", ["label_fr": "prévention"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Ce thème existe déjà"))
            #expect(try await rows(app) == 0)

            try await coordinator.post(
                "/vitre/themes/ajouter", ["label_fr": "Santé des aidants", "label_en": "Carers' health"])
            #expect(coordinator.location == "/vitre/themes")
            try await coordinator.get("/vitre/themes")
            try await coordinator.post(
                "/vitre/themes/modifier",
                ["theme": "jeunesse", "label_fr": "Enfance et jeunesse", "label_en": "", "state": "propose"])
            #expect(coordinator.location == "/vitre/themes")
            try await coordinator.get("/vitre/themes")
            try await coordinator.post(
                "/vitre/themes/modifier", ["theme": "handicap", "label_fr": "", "label_en": "", "state": "masque"])
            #expect(coordinator.location == "/vitre/themes")
            try await coordinator.get("/vitre/themes")
            // A tampered theme or state is refused next to its field.
            try await coordinator.post(
                "/vitre/themes/modifier", ["theme": "n-existe-pas", "label_fr": "X", "state": "propose"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Choisissez un thème de la liste"))
            try await coordinator.post(
                "/vitre/themes/modifier",
                ["theme": "prevention", "label_fr": "Enfance et jeunesse", "state": "propose"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Un autre thème porte déjà ce nom"))
            #expect(try await rows(app) == 3)
            #expect(
                try await AuditEntry.query(on: app.db).filter(
                    \.$action ~~ ["theme.added", "theme.changed", "theme.hidden"]
                ).count() == 3)

            // Every room offers the territory's list: the proposal form and the list's filter.
            let form = try await coordinator.get("/vitre/propositions/nouvelle")
            #expect(form.contains("value=\"sante-des-aidants\"") && form.contains("Santé des aidants"))
            #expect(form.contains("Enfance et jeunesse"))
            #expect(!form.contains("value=\"handicap\""))
            // A coordinator types proposals for assisted people only: no "Myself" choice that would be refused.
            #expect(!form.contains("Moi-même") && form.contains("Marcel"))
            let list = try await Browser(app).get("/vitre/propositions")
            #expect(list.contains("Enfance et jeunesse") && list.contains("Santé des aidants"))
            // A proposal can be filed under the new theme, and shows its name.
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/vitre/propositions/nouvelle")
            try await resident.postMultipart(
                "/vitre/propositions/nouvelle",
                [
                    ("title", "Un répit pour les aidants"),
                    ("body", "Des solutions de répit pour les aidants familiaux du territoire."),
                    ("themes[]", "sante-des-aidants"), ("origin", "spontanee"), ("action", "send"),
                ])
            #expect(
                resident.lastStatus == .seeOther,
                "\(resident.lastBody.components(separatedBy: "<main").last!.prefix(1500))")
            let shown = try #require(resident.location)
            let proposal = try await resident.get(shown)
            #expect(proposal.contains("Santé des aidants"))

            // Another territory keeps the platform's list.
            let other = Browser(app)
            try await other.login("coordination@broceliande.example")
            let theirs = try await other.get("/broceliande/propositions/nouvelle")
            #expect(!theirs.contains("Santé des aidants") && theirs.contains("value=\"handicap\""))

            // The disclosure threshold: 5 by default, 11 one choice away; a value outside the two
            // is refused next to the field, nothing saved; every figure follows the choice.
            let rule = try await coordinator.get("/vitre/diffusion-des-chiffres")
            #expect(coordinator.lastStatus == .ok && rule.contains("moins de 5 personnes"))
            #expect(rule.contains("value=\"5\" checked") || rule.contains("value=\"5\"checked"))
            try await coordinator.post("/vitre/diffusion-des-chiffres", ["seuil": "2"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Choisissez l&#39;un des deux seuils proposés : 5 ou 11."))
            #expect(app.agora.territories.all.first { $0.slug == "vitre" }?.disclosure.threshold == 5)
            try await coordinator.post("/vitre/diffusion-des-chiffres", ["seuil": "11"])
            #expect(coordinator.lastStatus == .seeOther && coordinator.location == "/vitre/diffusion-des-chiffres")
            #expect(app.agora.territories.all.first { $0.slug == "vitre" }?.disclosure.threshold == 11)
            #expect(try await coordinator.get("/vitre/diffusion-des-chiffres").contains("moins de 11 personnes"))
            let audits = try await AuditEntry.query(on: app.db).filter(\.$action == "territory.disclosure").all()
            #expect(audits.map(\.subject) == ["threshold 11"])
            // Another territory keeps its own threshold; a resident cannot change it.
            #expect(app.agora.territories.all.first { $0.slug == "broceliande" }?.disclosure.threshold == 5)
            try await resident.post("/vitre/diffusion-des-chiffres", ["seuil": "5"])
            #expect(resident.lastStatus == .forbidden)
        }
    }

    @Test func onlyTheTerritorysCoordinatorsAndAdministratorsEditThemes() async throws {
        try await withDemoApp { app in
            for email in [
                "habitant@vitre.example", "decideur@vitre.example", "partenaire@vitre.example",
                "coordination@broceliande.example",
            ] {
                let browser = Browser(app)
                try await browser.login(email)
                try await browser.get("/vitre/themes")
                #expect(browser.lastStatus == .forbidden)
                try await browser.post("/vitre/themes/ajouter", ["label_fr": "Intrus"])
                #expect(browser.lastStatus == .forbidden)
            }
            #expect(try await rows(app) == 0)
            let admin = Browser(app)
            try await admin.login("admin@vitre.example")
            try await admin.get("/vitre/themes")
            #expect(admin.lastStatus == .ok)
        }
    }

    private func rows(_ app: Application) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await (app.db as! any SQLDatabase).raw("SELECT count(*) AS n FROM territory_themes").first(
            decoding: Count.self)?.n ?? -1
    }
}
