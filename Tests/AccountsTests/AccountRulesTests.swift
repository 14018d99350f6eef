import Core
import Testing
@testable import Accounts

@Suite("Account rules")
struct AccountRulesTests {
    @Test(arguments: [
        ("court", false), ("onze-chars!", false), ("douze-chars!", true),
        ("motdepasse123", false), ("aaaaaaaaaaaaaaa", false), ("le chat dort au soleil", true),
    ])
    func passwordRules(password: String, acceptable: Bool) {
        #expect((PasswordRules.problem(password, email: "jeanne@exemple.fr") == nil) == acceptable)
    }

    @Test func shortPasswordMessageSaysTwelve() {
        #expect(PasswordRules.problem("onze-chars!", email: nil)?.fr.contains("12 caractères") == true)
        #expect(PasswordRules.problem("jeanne@exemple.fr!", email: "jeanne@exemple.fr") != nil)
    }

    let valid = [
        "display_name": "Jeanne", "email": "Jeanne@Exemple.fr", "password": "une phrase assez longue",
        "territory": "vitre", "role": "resident", "accept_terms": "on",
    ]

    @Test func signupAcceptsAGoodForm() throws {
        let input = try SignupInput.validate(fields: valid, territorySlugs: ["vitre"], lang: .fr).get()
        #expect(input.email == "jeanne@exemple.fr")
        #expect(input.role == .resident)
        #expect(input.professionCode == nil)
    }

    @Test func signupReportsEveryProblemByField() {
        let fields = [
            "display_name": " ", "email": "pas-un-email", "password": "court", "territory": "ailleurs", "role": "admin",
        ]
        guard case .failure(let box) = SignupInput.validate(fields: fields, territorySlugs: ["vitre"], lang: .fr) else {
            Issue.record("expected errors"); return
        }
        #expect(box.errors.fields == ["display_name", "email", "password", "territory", "role", "accept_terms"])
        #expect(box.errors["password"]?.contains("12 caractères") == true)
    }

    @Test func professionalsNameTheirProfession() {
        var fields = valid
        fields["role"] = "professional"
        guard case .failure(let box) = SignupInput.validate(fields: fields, territorySlugs: ["vitre"], lang: .en) else {
            Issue.record("expected an error"); return
        }
        #expect(box.errors["profession"] == "Choose your profession.")
        fields["profession"] = "60"
        #expect(
            (try? SignupInput.validate(fields: fields, territorySlugs: ["vitre"], lang: .fr).get())?.professionCode
                == "60")
        fields["profession"] = "35"  // deprecated ANS code
        #expect((try? SignupInput.validate(fields: fields, territorySlugs: ["vitre"], lang: .fr).get()) == nil)
    }

    @Test func professionsComeFromTheActiveANSCodes() {
        #expect(Profession.find("60")?.label == "Infirmier")
        #expect(Profession.find("93")?.nomenclature == "TRE_R95-UsagerTitre")
        #expect(Profession.find("35") == nil)
        #expect(Set(Profession.all.map(\.code)).count == Profession.all.count)
    }

    @Test func profileFactsAreOptionalButChecked() throws {
        let empty = try ProfileInput.validate(
            fields: ["display_name": "J", "commune": "", "age_band": ""], allowedCommunes: ["35360"], lang: .fr
        ).get()
        #expect(empty.communeCode == nil && empty.ageBand == nil)
        guard
            case .failure(let box) = ProfileInput.validate(
                fields: ["display_name": "J", "commune": "75056", "age_band": "12-14"], allowedCommunes: ["35360"],
                lang: .fr)
        else {
            Issue.record("expected errors"); return
        }
        #expect(box.errors.fields == ["commune", "age_band"])
    }

    @Test func assistedProfiles() throws {
        let ok = try AssistedProfileInput.validate(
            fields: ["alias": "Marcel", "commune": "35360", "phone": "+33 6 12 34 56 78", "consent": "on"],
            allowedCommunes: ["35360"], lang: .fr
        ).get()
        #expect(ok.phone == "06 12 34 56 78")
        guard
            case .failure(let box) = AssistedProfileInput.validate(
                fields: ["alias": "", "commune": "x", "phone": "12"], allowedCommunes: ["35360"], lang: .fr)
        else {
            Issue.record("expected errors"); return
        }
        #expect(box.errors.fields == ["alias", "commune", "phone", "consent"])
    }

    @Test(arguments: [
        (AccountsPolicy.Action.createAssistedProfile, Role.patientPartner, true),
        (.createAssistedProfile, .coordinator, true),
        (.createAssistedProfile, .resident, false), (.createAssistedProfile, .professional, false),
        (.createAssistedProfile, .decisionMaker, false), (.manageMembers, .admin, true),
        (.manageMembers, .coordinator, false),
        (.manageAssistedProfiles, .admin, true),
    ])
    func policyTable(action: AccountsPolicy.Action, role: Role, allowed: Bool) {
        #expect(AccountsPolicy.can([role], action) == allowed)
    }

    @Test func redirectsStayOnTheSite() {
        #expect(SafeRedirect.path("/vitre/membres") == "/vitre/membres")
        #expect(SafeRedirect.path("//evil.example") == nil)
        #expect(SafeRedirect.path("https://evil.example") == nil)
        // Issue #16, attack 9: a tab (or any white space or control character) is skipped by URL
        // parsers, and a backslash read as a slash: each would lead to another site.
        for attack in [
            "/\t/evil.example", "/\n/evil.example", "/ /evil.example", "/\\evil.example", "/\u{0B}/evil.example",
            "/\u{A0}/evil.example", "/\u{85}/evil.example", "/\u{7F}/evil.example", "/vitre\\..\\evil",
        ] {
            #expect(SafeRedirect.path(attack) == nil, "\(attack.debugDescription) must not be followed")
        }
        #expect(SafeRedirect.path("/vitre/propositions?theme=acces&page=2") == "/vitre/propositions?theme=acces&page=2")
        #expect(SafeRedirect.path("/appels/3/reprise/abc") == "/appels/3/reprise/abc")
        #expect(SafeRedirect.path("/\\evil") == nil)
    }
}

@Suite("Commune import")
struct CommuneImportTests {
    let header = "code_insee,nom,codes_postaux,population_municipale"

    @Test func readsTheINSEEColumns() throws {
        let rows = try CommuneImport.parse("\(header)\n35360,Vitré,35500,18956\n35004,Val-Couesnon,35460|35560,4072\n")
            .get()
        #expect(rows.count == 2)
        #expect(rows[1].postalCodes == ["35460", "35560"])
    }

    @Test func badRowsNameTheirLineAndColumn() {
        guard
            case .failure(let list) = CommuneImport.parse(
                "\(header)\n35360,Vitré,35500,18956\n3536,Bad,35500,abc\n35360,Twice,35500,1\n")
        else {
            Issue.record("expected problems"); return
        }
        let text = list.description
        #expect(text.contains("ligne 3, colonne code_insee"))
        #expect(text.contains("ligne 3, colonne population_municipale"))
        #expect(text.contains("ligne 4, colonne code_insee : le code 35360 figure déjà ligne 2"))
    }

    @Test func missingColumnsAreRefused() {
        guard case .failure(let list) = CommuneImport.parse("code_insee,nom\n35360,Vitré\n") else {
            Issue.record("expected"); return
        }
        #expect(
            list.problems == [
                CommuneImport.Problem(
                    line: 1, column: "population_municipale", message: "colonne obligatoire absente de l'en-tête")
            ])
    }

    @Test func theRealDepartmentFileImports() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../reference/communes_35.csv")
        let text = try String(contentsOf: url, encoding: .utf8)  // kept in the repository (reference/)
        let rows = try CommuneImport.parse(text).get()
        #expect(rows.count == 332)
        #expect(rows.reduce(0) { $0 + $1.population } == 1_120_666)
    }

    @Test func demoCommunesMatchTheOfficialTotals() {
        #expect(DemoCommunes.vitre.count == 46)
        #expect(DemoCommunes.vitre.reduce(0) { $0 + $1.population } == 83_737)
        #expect(DemoCommunes.broceliande.count == 8)
        #expect(DemoCommunes.broceliande.reduce(0) { $0 + $1.population } == 18_996)
    }
}

import Foundation
