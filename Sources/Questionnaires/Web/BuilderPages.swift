import Core
import Fluent
import Foundation
import Vapor

/// The list of questionnaires, creating one, and the builder (sections, questions, order,
/// display conditions, publishing), with the waves and their targets.
enum BuilderPages {
    static let builders = Access.territory(QuestionnairesPolicy.builders)

    static func register(_ router: RouteRegistrar) {
        router.get(QuestionnairePaths.list, access: .everyone, use: list)
        router.get(QuestionnairePaths.new, access: builders) { req in
            req.render(newForm(req.visit, fields: ["audience": QAudience.users.rawValue], errors: FormErrors()))
        }
        router.post(QuestionnairePaths.new, access: builders, use: create)
        router.get(QuestionnairePaths.builder, access: builders) { req in
            let context = try await QContext.load(req)
            return req.render(
                try await builderPage(req, context, settings: settingsFields(context.record), errors: FormErrors()))
        }
        router.post(QuestionnairePaths.builder, access: builders, use: change)
        router.get(QuestionnairePaths.newQuestion, access: builders) { req in
            let context = try await QContext.load(req)
            let section = req.queryFields()["section"] ?? context.definition.sections.last?.key ?? ""
            var fields = ["section": section, "kind": req.queryFields()["type"] ?? QuestionKind.single.rawValue]
            fields["required"] = "on"
            return req.render(questionForm(req.visit, context, question: nil, fields: fields, errors: FormErrors()))
        }
        router.post(QuestionnairePaths.newQuestion, access: builders) { req in try await saveQuestion(req, key: nil) }
        router.get(QuestionnairePaths.question, access: builders) { req in
            let context = try await QContext.load(req)
            guard let q = context.definition.question(req.parameters.get("question") ?? "") else {
                return QPages.unknownPart(req, context)
            }
            var fields = QuestionInput.fields(of: q)
            fields["section"] =
                context.definition.sections.first { $0.questions.contains { $0.key == q.key } }?.key ?? ""
            return req.render(questionForm(req.visit, context, question: q, fields: fields, errors: FormErrors()))
        }
        router.post(QuestionnairePaths.question, access: builders) { req in
            try await saveQuestion(req, key: req.parameters.get("question"))
        }
        router.get(QuestionnairePaths.waves, access: builders) { req in
            let context = try await QContext.load(req)
            let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
            var fields: [String: String] = [:]
            if let id = req.queryFields()["vague"], let wave = waves.first(where: { String($0.id) == id }) {
                fields = [
                    "wave_id": String(wave.id), "name": wave.name, "starts_on": wave.starts_on, "ends_on": wave.ends_on,
                    "target_total": String(wave.target_total),
                    "target_users": String(wave.target_users),
                    "target_professionals": String(wave.target_professionals),
                    "commune_targets": wave.overrides.sorted { $0.key < $1.key }.map { code, n in
                        "\(context.territory.commune(code: code)?.name ?? code) ; \(n)"
                    }.joined(separator: "\n"),
                ]
            }
            return req.render(wavesPage(req.visit, context, waves: waves, fields: fields, errors: FormErrors()))
        }
        router.post(QuestionnairePaths.waves, access: builders, use: saveWave)
    }

    // MARK: List

    @Sendable static func list(_ req: Request) async throws -> Response {
        let visit = req.visit
        guard let territory = visit.territory else { throw Abort(.notFound) }
        let roles = visit.rolesHere
        let items = try await QuestionnaireStore.list(
            territoryID: territory.id, includeDrafts: QuestionnairesPolicy.builds(roles), on: req.db)
        let rows = items.map { item -> HTML in
            let status = QStatus(rawValue: item.status) ?? .draft
            let count: HTML =
                QuestionnairesPolicy.readsResults(roles)
                ? " · \(QPages.answerCount(item.answers, visit: visit))"
                : .empty
            let action: HTML =
                status == .published
                ? " <a href=\"\(QuestionnairePaths.answer.link(territory.slug, item.id))\">\(visit.t("Répondre", "Answer"))<span class=\"visually-hidden\"> : \(item.title)</span></a>"
                : .empty
            return """
                <li><h2><a href="\(QuestionnairePaths.show.link(territory.slug, item.id))">\(item.title)</a></h2>\
                <p class="meta">\(visit.t((QAudience(rawValue: item.audience) ?? .all).label)) · \(visit.t(status.label))\(count)\(action)</p></li>
                """
        }
        var actions: [HTML] = []
        if QuestionnairesPolicy.builds(roles) {
            actions.append(
                "<a class=\"button\" href=\"\(QuestionnairePaths.new.link(territory.slug))\">\(visit.t("Nouveau questionnaire", "New questionnaire"))</a>"
            )
        }
        if QuestionnairesPolicy.readsResults(roles) {
            actions.append(
                "<a href=\"\(QuestionnairePaths.cross.link(territory.slug))\">\(visit.t("Croiser usagers et professionnels", "Cross users and professionals"))</a>"
            )
        }
        let title = visit.t(
            "Questionnaires des besoins · \(territory.name)", "Needs questionnaires · \(territory.name)")
        let main: HTML = """
            <h1>\(title)</h1>
            <p class="lead">\(visit.t("Dites ce dont vous avez besoin pour votre santé sur le territoire. Les réponses sont anonymes et servent à choisir les actions à mener.",
                                  "Tell us what you need for your health on the territory. Answers are anonymous and help choose the actions to run."))</p>
            \(actions.isEmpty ? HTML.empty : "<p class=\"actions\">\(HTML.join(actions, separator: " "))</p>")
            \(rows.isEmpty ? "<p>\(visit.t("Aucun questionnaire ouvert pour le moment.", "No questionnaire open at the moment."))</p>" as HTML : "<ul class=\"proposal-list\">\(each: rows)</ul>")
            """
        return req.render(WebPage(title: title, main: main))
    }

    // MARK: New questionnaire and settings

    static func settingsFields(_ record: QuestionnaireRecord) -> [String: String] {
        var out = ["title": record.title, "intro": record.intro, "audience": record.audience.rawValue]
        if record.link_accounts { out["link_accounts"] = "on" }
        return out
    }

    static func settingsInputs(_ visit: Visit, fields: [String: String], errors: FormErrors) -> HTML {
        """
        \(Form.input(name: "title", label: visit.t("Titre", "Title"), value: fields["title"], errors: errors, visit: visit, required: true, maxLength: 150))
        \(Form.textarea(name: "intro", label: visit.t("Introduction", "Introduction"), value: fields["intro"], errors: errors, visit: visit,
                        hint: visit.t("Pourquoi ce questionnaire, ce que deviendront les réponses, combien de temps il prend. Une ligne vide sépare les paragraphes.",
                                      "Why this questionnaire, what will become of the answers, how long it takes. A blank line separates paragraphs."), required: true, rows: 5, maxLength: 4000))
        \(Form.radios(name: "audience", legend: visit.t("Public", "Audience"), options: QAudience.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                      selected: fields["audience"], errors: errors, visit: visit, required: true))
        \(Form.checkbox(name: "link_accounts", label: "\(visit.t("Permettre aux répondants connectés de relier leur réponse à leur compte, s'ils le veulent", "Let signed-in respondents link their answer to their account if they wish"))",
                        checked: fields["link_accounts"] == "on", errors: errors, visit: visit,
                        hint: visit.t("Sans cette case, toutes les réponses sont anonymes.", "Without this box every answer is anonymous.")))
        """
    }

    static func newForm(
        _ visit: Visit, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let slug = visit.territory?.slug ?? ""
        let main: HTML = """
            <h1>\(visit.t("Nouveau questionnaire", "New questionnaire"))</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: QuestionnairePaths.new.link(slug), visit: visit))
            \(settingsInputs(visit, fields: fields, errors: errors))
            \(Form.submit(visit.t("Créer et ajouter les questions", "Create and add the questions")))
            </form>
            """
        return WebPage(
            title: visit.t("Nouveau questionnaire", "New questionnaire"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let visit = req.visit
        guard let territory = visit.territory else { throw Abort(.notFound) }
        let fields = req.formFields()
        let read = QuestionnaireSettings.read(fields, lang: visit.lang)
        guard let settings = read.settings else {
            return req.render(newForm(visit, fields: fields, errors: read.errors, status: .unprocessableEntity))
        }
        guard
            case .created(let id) = try await CreateQuestionnaire.run(
                settings, territory: territory, actor: AnswerPages.actor(req), env: req.useCases)
        else { throw Abort(.forbidden) }
        return req.redirect(
            to: QuestionnairePaths.builder.link(territory.slug, id),
            flash: Flash(
                .success,
                visit.t("Questionnaire créé. Ajoutez ses questions.", "Questionnaire created. Add its questions.")))
    }

    // MARK: Builder

    /// What the builder shows: the questionnaire and how many answers it has (which decides
    /// whether a change makes a new version).
    struct BuilderModel: Sendable {
        let context: QContext
        let answers: Int
    }

    static func loadBuilder(_ req: Request, _ context: QContext) async throws -> BuilderModel {
        BuilderModel(context: context, answers: try await QuestionnaireStore.tally(of: context.id, on: req.db).n)
    }

    /// The builder loaded and shown (the handlers' shorthand).
    static func builderPage(
        _ req: Request, _ context: QContext, settings: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) async throws -> WebPage {
        builderView(
            try await loadBuilder(req, context), visit: req.visit, settings: settings, errors: errors, status: status)
    }

    /// The builder: status and version, each section with its questions and their buttons, a new
    /// section, the settings. Pure.
    static func builderView(
        _ model: BuilderModel, visit: Visit, settings: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let context = model.context, record = context.record
        let action = context.link(QuestionnairePaths.builder)
        let button = BuilderButton(action: action, visit: visit)
        var sections = HTML.empty
        var number = 0
        for section in context.definition.sections {
            sections.append(
                sectionBlock(section, number: &number, context, button: button, settings: settings, errors: errors))
        }
        let statusButtons: HTML
        switch record.status {
        case .draft:
            statusButtons = button(
                "publish", visit.t("Publier : ouvrir aux réponses", "Publish: open for answers"), cssClass: "button")
        case .published:
            statusButtons = button(
                "close", visit.t("Clore le questionnaire", "Close the questionnaire"), cssClass: "button secondary")
        case .closed:
            statusButtons = button("reopen", visit.t("Rouvrir aux réponses", "Reopen for answers"), cssClass: "button")
        }
        let versionNote =
            model.answers > 0
            ? visit.t(
                "Version \(record.version_number). Des réponses existent : toute modification des questions crée une nouvelle version, et les réponses déjà reçues gardent la leur.",
                "Version \(record.version_number). Answers exist: any change to the questions makes a new version, and answers already received keep theirs."
            )
            : visit.t(
                "Version \(record.version_number). Aucune réponse encore : les modifications s'appliquent directement.",
                "Version \(record.version_number). No answer yet: changes apply directly.")
        let count = QPages.answerCount(model.answers, visit: visit)
        let main: HTML = """
            <h1>\(visit.t("Construire", "Build")) · \(record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.builder))
            \(Form.errorSummary(errors, visit: visit))
            <p class="meta">\(visit.t(record.status.label)) · \(count)</p>
            <p>\(versionNote)</p>
            <div class="actions">\(statusButtons) <a href="\(context.link(QuestionnairePaths.preview))">\(visit.t("Aperçu", "Preview"))</a></div>
            <h2>\(visit.t("Sections et questions", "Sections and questions"))</h2>
            \(sections)
            <form method="post" action="\(action)" class="form">\(Form.csrf(visit))<input type="hidden" name="op" value="section-add">
            \(Form.input(name: "new_section", label: visit.t("Nouvelle section", "New section"), value: settings["new_section"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : « Votre accès aux soins ». Sur papier, chaque section commence une page.", "For example: “Your access to care”. On paper each section starts a page."), maxLength: 150))
            \(Form.submit(visit.t("Ajouter la section", "Add the section"), secondary: true))</form>
            <h2>\(visit.t("Réglages", "Settings"))</h2>
            <form method="post" action="\(action)" class="form">\(Form.csrf(visit))<input type="hidden" name="op" value="settings">
            \(settingsInputs(visit, fields: settings, errors: errors))
            \(Form.submit(visit.t("Enregistrer les réglages", "Save the settings")))</form>
            """
        return WebPage(
            title: visit.t("Construire · \(record.title)", "Build · \(record.title)"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    /// One button of the builder: a small form posting `op` on `target`.
    struct BuilderButton {
        let action: String
        let visit: Visit

        func callAsFunction(
            _ op: String, _ label: String, _ target: String = "", hidden: String = "", cssClass: String = "link-button"
        ) -> HTML {
            "<form method=\"post\" action=\"\(action)\" class=\"inline-form\">\(Form.csrf(visit))<input type=\"hidden\" name=\"op\" value=\"\(op)\"><input type=\"hidden\" name=\"target\" value=\"\(target)\"><button type=\"submit\" class=\"\(cssClass)\">\(label)\(hidden.isEmpty ? HTML.empty : "<span class=\"visually-hidden\"> \(hidden)</span>")</button></form>"
        }
    }

    /// The "score inversé" option of a scale, matrix or agreement item, in plain words.
    static func reverseScoredBox(_ fields: [String: String], errors: FormErrors, visit: Visit) -> HTML {
        Form.checkbox(
            name: "reverse_scored",
            label:
                "\(visit.t("Score inversé : ici, être d'accord ou donner une note haute veut dire être satisfait", "Reverse-scored: here, agreeing or giving a high mark means being satisfied"))",
            checked: fields["reverse_scored"] == "on", errors: errors, visit: visit,
            hint: visit.t(
                "Pour les échelles, notes et tableaux seulement. Le croisement retourne ces réponses (une forte satisfaction devient une faible priorité) avant de classer les thèmes, pour comparer ce qui est comparable.",
                "Scales, marks and matrices only. The cross-analysis turns these answers round (high satisfaction becomes low priority) before it ranks the themes, so that like is compared with like."
            ))
    }

    /// A section of the builder: its questions (numbered across sections) with their buttons, and
    /// the section's own buttons and title form.
    static func sectionBlock(
        _ section: Section, number: inout Int, _ context: QContext, button: BuilderButton, settings: [String: String],
        errors: FormErrors
    ) -> HTML {
        let visit = button.visit
        var items = HTML.empty
        for q in section.questions {
            number += 1
            var flags: [String] = [visit.t(q.kind.label)]
            if q.required { flags.append(visit.t("obligatoire", "required")) }
            if q.profile { flags.append(visit.t("question de profil", "profile question")) }
            if let theme = q.theme.flatMap(visit.themes.find) {
                flags.append(visit.t("thème : ", "theme: ") + visit.t(theme.label))
            }
            if q.isReverseScored { flags.append(visit.t("score inversé", "reverse-scored")) }
            if let hint = QuestionView.conditionHint(q, definition: context.definition, visit: visit) {
                flags.append(hint)
            }
            let name = "« \(q.label) »"
            let problem: HTML = errors["question-\(q.key)"].map { "<p class=\"field-error\">\($0)</p>" } ?? .empty
            items.append(
                """
                <li id="\(Form.fieldID("question-\(q.key)"))"><p><strong>\(number). \(q.label)</strong></p><p class="meta">\(flags.joined(separator: " · "))</p>\(problem)\
                <div class="row-actions"><a href="\(QuestionnairePaths.question.link(context.slug, context.id, q.key))">\(visit.t("Modifier", "Edit"))<span class="visually-hidden"> \(name)</span></a> \
                \(button("question-up", visit.t("Monter", "Move up"), q.key, hidden: name)) \(button("question-down", visit.t("Descendre", "Move down"), q.key, hidden: name)) \
                \(button("question-delete", visit.t("Supprimer", "Delete"), q.key, hidden: name))</div></li>
                """)
        }
        let renameKey = "section-\(section.key)"
        let deletable = section.questions.isEmpty && context.definition.sections.count > 1
        return """
            <section class="builder-section" aria-labelledby="titre-\(section.key)"><h3 id="titre-\(section.key)">\(section.title)</h3>\
            \(section.questions.isEmpty ? "<p>\(visit.t("Aucune question dans cette section.", "No question in this section."))</p>" as HTML : "<ol class=\"builder-list\">\(items)</ol>")\
            <div class="row-actions"><a class="button" href="\(QuestionnairePaths.newQuestion.link(context.slug, context.id))?section=\(section.key)">\(visit.t("Ajouter une question", "Add a question"))<span class="visually-hidden"> : \(section.title)</span></a> \
            \(button("section-up", visit.t("Monter la section", "Move section up"), section.key, hidden: section.title)) \(button("section-down", visit.t("Descendre la section", "Move section down"), section.key, hidden: section.title)) \
            \(deletable ? button("section-delete", visit.t("Supprimer la section", "Delete section"), section.key, hidden: section.title) : HTML.empty)</div>\
            <form method="post" action="\(action(context))" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="op" value="section-rename"><input type="hidden" name="target" value="\(section.key)">\
            \(Form.input(name: "section_title", label: visit.t("Titre de la section", "Section title"), value: settings[renameKey] ?? section.title, errors: errors, visit: visit, maxLength: 150, field: renameKey))\
            \(Form.submit(visit.t("Renommer", "Rename"), secondary: true))</form></section>
            """
    }

    static func action(_ context: QContext) -> String { context.link(QuestionnairePaths.builder) }

    @Sendable static func change(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let fields = req.formFields()
        let op = fields["op"] ?? ""
        let back = context.link(QuestionnairePaths.builder)
        let actor = AnswerPages.actor(req)
        func invalid(_ errors: FormErrors, fields extra: [String: String] = [:]) async throws -> Response {
            req.render(
                try await builderPage(
                    req, context, settings: settingsFields(context.record).merging(extra) { $1 }, errors: errors,
                    status: .unprocessableEntity))
        }
        if op == "settings" {
            switch try await UpdateQuestionnaireSettings.run(
                fields, questionnaire: context, actor: actor, env: req.useCases)
            {
            case .forbidden: throw Abort(.forbidden)
            case .invalid(let errors):
                return req.render(
                    try await builderPage(req, context, settings: fields, errors: errors, status: .unprocessableEntity))
            case .saved:
                req.application.questionnaireForms.forget(context.id)
                return req.redirect(
                    to: back, flash: Flash(.success, visit.t("Réglages enregistrés.", "Settings saved.")))
            }
        }
        if let change = StatusChange(rawValue: op) {
            switch try await PublishQuestionnaire.run(change, questionnaire: context, actor: actor, env: req.useCases) {
            case .forbidden: throw Abort(.forbidden)
            case .noQuestion:
                var errors = FormErrors()
                errors.add(
                    "new_section",
                    visit.t(
                        "Ajoutez au moins une question avant de publier.",
                        "Add at least one question before publishing."))
                return try await invalid(errors)
            case .changed: req.application.questionnaireForms.forget(context.id)
            }
            let message =
                switch change {
                case .publish:
                    visit.t(
                        "Questionnaire publié : il reçoit des réponses.", "Questionnaire published: it takes answers.")
                case .close:
                    visit.t(
                        "Questionnaire clos : il ne reçoit plus de réponses.",
                        "Questionnaire closed: it takes no more answers.")
                case .reopen: visit.t("Questionnaire rouvert.", "Questionnaire reopened.")
                }
            return req.redirect(to: back, flash: Flash(.success, message))
        }
        guard let change = StructureChange(op: op, target: fields["target"] ?? "", fields: fields) else {
            return req.refusal(
                status: .badRequest, title: Text("Action inconnue", "Unknown action"),
                message: Text(
                    "Cette action n'existe pas dans la construction du questionnaire : rien n'a été modifié.",
                    "This action does not exist in the builder: nothing was changed."),
                back: back)
        }
        switch try await EditStructure.run(change, questionnaire: context, actor: actor, env: req.useCases) {
        case .forbidden: throw Abort(.forbidden)
        case .refused(.unknownSection): return QPages.unknownPart(req, context, section: true)
        case .refused(.unknownQuestion): return QPages.unknownPart(req, context)
        case .refused(let problem):
            var errors = FormErrors()
            errors.add(change.field, problemMessage(problem, change: change, in: context.definition, visit: visit))
            // The title typed comes back in its box.
            let typed: [String: String] =
                switch change {
                case .addSection: fields
                case .renameSection(let key, let title): ["section-\(key)": title]
                default: [:]
                }
            return try await invalid(errors, fields: typed)
        case .saved(let versioned, let cleared):
            req.application.questionnaireForms.forget(context.id)
            var message = savedMessage(versioned, number: context.record.version_number + 1, visit: visit)
            if !cleared.isEmpty {
                let names = cleared.map { "« \($0) »" }.joined(separator: ", ")
                message +=
                    " "
                    + visit.t(
                        "Ces questions en dépendaient et sont désormais toujours posées : \(names).",
                        "These questions depended on it and are now always asked: \(names).")
            }
            return req.redirect(to: back, flash: Flash(.success, message))
        }
    }

    /// What is said beside the field of a refused change to the outline.
    static func problemMessage(
        _ problem: StructureProblem, change: StructureChange, in definition: Definition, visit: Visit
    ) -> String {
        switch problem {
        case .orderConflict(let conflict): return conflictMessage(conflict, in: definition, visit: visit)
        case .sectionNotEmpty:
            return visit.t(
                "Seule une section vide peut être supprimée, et il en faut au moins une.",
                "Only an empty section can be deleted, and one must remain.")
        case .badTitle(let empty):
            if case .renameSection = change {
                return visit.t(
                    "Donnez un titre à la section (150 caractères au plus).",
                    "Give the section a title (150 characters at most).")
            }
            return empty
                ? visit.t("Donnez un titre à la section.", "Give the section a title.")
                : visit.t("150 caractères au plus.", "150 characters at most.")
        case .unknownSection, .unknownQuestion:
            return visit.t("Cette partie n'existe plus.", "This part no longer exists.")
        }
    }

    /// Why a move is refused: a display condition would test a question asked after it.
    static func conflictMessage(_ conflict: Definition.OrderConflict, in definition: Definition, visit: Visit) -> String
    {
        let dependent = definition.question(conflict.question)?.label ?? conflict.question
        let target = definition.question(conflict.dependsOn)?.label ?? conflict.dependsOn
        return visit.t(
            "Déplacement refusé, rien n'a changé : « \(dependent) » n'est posée que selon la réponse à « \(target) », qui doit donc venir avant elle. Changez d'abord la condition d'affichage.",
            "Move refused, nothing changed: “\(dependent)” is asked only depending on the answer to “\(target)”, which must therefore come before it. Change the display condition first."
        )
    }

    static func savedMessage(_ versioned: Bool, number: Int, visit: Visit) -> String {
        versioned
            ? visit.t(
                "Enregistré dans une nouvelle version (n° \(number)) : les réponses déjà reçues gardent la leur.",
                "Saved as a new version (no. \(number)): answers already received keep theirs.")
            : visit.t("Enregistré.", "Saved.")
    }

    // MARK: Question form

    static func questionForm(
        _ visit: Visit, _ context: QContext, question: Question?, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) -> WebPage {
        let action =
            question.map { QuestionnairePaths.question.link(context.slug, context.id, $0.key) }
            ?? context.link(QuestionnairePaths.newQuestion)
        let title =
            question == nil
            ? visit.t("Nouvelle question", "New question") : visit.t("Modifier la question", "Edit the question")
        let kind: HTML =
            question.map { q in "<p><strong>\(visit.t("Type", "Type")) :</strong> \(visit.t(q.kind.label))</p>" }
            ?? Form.select(
                name: "kind", label: visit.t("Type de question", "Question type"),
                options: QuestionKind.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                selected: fields["kind"], errors: errors, visit: visit, required: true)
        // Only questions asked before this one, where it will stand (the end of the chosen section for a new one).
        let earlier = context.definition.questions(before: question?.key, inSection: fields["section"])
        var conditions: [Form.OptionGroup] = []
        for q in earlier {
            let values = ConditionValues.of(q, lang: visit.lang)
            if !values.isEmpty {
                conditions.append(
                    Form.OptionGroup(
                        String(q.label.prefix(80)), values.map { Form.Option("\(q.key)=\($0.0)", "= \($0.1)") }))
            }
        }
        let main: HTML = """
            <h1>\(title) · \(context.record.title)</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: action, visit: visit))
            \(kind)
            \(Form.select(name: "section", label: visit.t("Section", "Section"), options: context.definition.sections.map { Form.Option($0.key, $0.title) }, selected: fields["section"],
                      errors: errors, visit: visit, required: true))
            \(Form.input(name: "label", label: visit.t("Question", "Question"), value: fields["label"], errors: errors, visit: visit,
                     hint: visit.t("En mots simples, une seule idée par question.", "In plain words, one idea per question."), required: true, maxLength: 300))
            \(Form.input(name: "help", label: visit.t("Aide (facultatif)", "Help (optional)"), value: fields["help"], errors: errors, visit: visit, maxLength: 500))
            \(Form.checkbox(name: "required", label: "\(visit.t("Réponse obligatoire", "Answer required"))", checked: fields["required"] == "on", errors: errors, visit: visit))
            \(Form.textarea(name: "choices", label: visit.t("Choix proposés (choix unique, multiple, classement)", "Choices (single, multiple, ranking)"), value: fields["choices"], errors: errors,
                        visit: visit, hint: visit.t("Un choix par ligne. Changer le texte d'un choix en fait un nouveau choix.", "One choice a line. Changing a choice's text makes it a new choice."), rows: 6))
            \(Form.checkbox(name: "themed_choices", label: "\(visit.t("Classement : les choix sont les thèmes du territoire (sert au croisement)", "Ranking: the choices are the territory's themes (used by the cross-analysis)"))",
                        checked: fields["themed_choices"] == "on", errors: errors, visit: visit))
            \(Form.input(name: "max_choices", label: visit.t("Nombre maximum de choix (choix multiple) ou de places à classer (classement)", "Most choices (multiple) or places to rank (ranking)"),
                     value: fields["max_choices"], errors: errors, visit: visit, inputmode: "numeric", maxLength: 3, cssClass: "short"))
            \(Form.textarea(name: "rows", label: visit.t("Lignes du tableau (tableau)", "Matrix rows (matrix)"), value: fields["rows"], errors: errors, visit: visit,
                        hint: visit.t("Une ligne par élément à noter sur l'échelle d'accord.", "One row per item rated on the agreement scale."), rows: 4))
            <div class="inline-fields">
            \(Form.input(name: "min_value", label: visit.t("Minimum (nombre)", "Minimum (number)"), value: fields["min_value"], errors: errors, visit: visit, inputmode: "decimal", maxLength: 20, cssClass: "short"))
            \(Form.input(name: "max_value", label: visit.t("Maximum (nombre)", "Maximum (number)"), value: fields["max_value"], errors: errors, visit: visit, inputmode: "decimal", maxLength: 20, cssClass: "short"))
            </div>
            \(Form.select(name: "theme", label: visit.t("Thème", "Theme"), options: visit.themes.options(keeping: fields["theme"].map { [$0] } ?? [], visit: visit), selected: fields["theme"],
                      errors: errors, visit: visit, hint: visit.t("Les échelles et tableaux d'un thème comptent dans le croisement usagers / professionnels.",
                                                                "Scales and matrices of a theme count in the users / professionals cross-analysis."), placeholder: visit.t("— Aucun —", "— None —")))
            \(reverseScoredBox(fields, errors: errors, visit: visit))
            \(Form.checkbox(name: "profile", label: "\(visit.t("Question de profil (commune, âge, situation…) : sert de filtre aux résultats", "Profile question (commune, age, situation…): filters the results"))",
                        checked: fields["profile"] == "on", errors: errors, visit: visit))
            \(Form.select(name: "condition", label: visit.t("Poser cette question seulement si…", "Ask this question only if…"), options: [], selected: fields["condition"], errors: errors,
                      visit: visit, hint: visit.t("Sans JavaScript, la question reste visible avec cette indication.", "Without JavaScript the question stays visible with this hint."),
                      placeholder: visit.t("— Toujours —", "— Always —"), groups: conditions))
            \(Form.submit(visit.t("Enregistrer la question", "Save the question")))
            </form>
            <p><a href="\(context.link(QuestionnairePaths.builder))">\(visit.t("Retour à la construction", "Back to the builder"))</a></p>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    static func saveQuestion(_ req: Request, key: String?) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let fields = req.formFields()
        let existing = key.flatMap { context.definition.question($0) }
        switch try await SaveQuestion.run(
            fields, key: key, questionnaire: context, themes: visit.themes, actor: AnswerPages.actor(req),
            env: req.useCases)
        {
        case .forbidden: throw Abort(.forbidden)
        case .unknownQuestion: return QPages.unknownPart(req, context)
        case .invalid(let errors):
            return req.render(
                questionForm(
                    visit, context, question: existing, fields: fields, errors: errors, status: .unprocessableEntity))
        case .saved(let versioned):
            req.application.questionnaireForms.forget(context.id)
            return req.redirect(
                to: context.link(QuestionnairePaths.builder),
                flash: Flash(
                    .success, savedMessage(versioned, number: context.record.version_number + 1, visit: visit)))
        }
    }

    // MARK: Waves

    static func wavesPage(
        _ visit: Visit, _ context: QContext, waves: [WaveRecord], fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) -> WebPage {
        let rows = waves.map { wave -> [HTML] in
            [
                "\(wave.name)",
                "\(DateText.day(iso: wave.starts_on, lang: visit.lang)) – \(DateText.day(iso: wave.ends_on, lang: visit.lang))",
                "\(View.number(wave.target_total, lang: visit.lang))",
                "\(View.number(wave.target_users, lang: visit.lang))",
                "\(View.number(wave.target_professionals, lang: visit.lang))",
                "<a href=\"\(context.link(QuestionnairePaths.waves))?vague=\(wave.id)\">\(visit.t("Modifier", "Edit"))<span class=\"visually-hidden\"> \(wave.name)</span></a>",
            ]
        }
        let table =
            waves.isEmpty
            ? "<p>\(visit.t("Aucune vague : les réponses ne sont rattachées à aucune période.", "No wave: answers belong to no period."))</p>"
                as HTML
            : View.table(
                caption: visit.t("Vagues", "Waves"),
                headers: [
                    visit.t("Vague", "Wave"), visit.t("Période", "Period"), visit.t("Objectif total", "Total target"),
                    visit.t("dont usagers", "of which users"), visit.t("dont professionnels", "of which professionals"),
                    visit.t("Action", "Action"),
                ],
                rows: rows, numericColumns: [2, 3, 4])
        let editing = fields["wave_id"] != nil
        let main: HTML = """
            <h1>\(visit.t("Vagues et objectifs", "Waves and targets")) · \(context.record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.waves))
            <p>\(visit.t("Le questionnaire reste ouvert d'une vague à l'autre. Chaque réponse est rattachée à la vague en cours le jour où elle arrive ; un jour qu'aucune vague ne couvre (entre deux vagues, par exemple), elle est « hors vague ». Deux vagues ne peuvent pas se chevaucher.",
                     "The questionnaire stays open from wave to wave. Each answer belongs to the wave running on the day it arrives; on a day no wave covers (between two waves, say) it belongs to none. Two waves cannot overlap."))</p>
            \(table)
            <h2>\(editing ? visit.t("Modifier la vague", "Edit the wave") : visit.t("Nouvelle vague", "New wave"))</h2>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: context.link(QuestionnairePaths.waves), visit: visit))
            \(editing ? "<input type=\"hidden\" name=\"wave_id\" value=\"\(fields["wave_id"] ?? "")\">" as HTML : HTML.empty)
            \(Form.input(name: "name", label: visit.t("Nom", "Name"), value: fields["name"], errors: errors, visit: visit, hint: visit.t("Par exemple : « Printemps 2027 »", "For example: “Spring 2027”"), required: true, maxLength: 80))
            <div class="inline-fields">
            \(Form.input(name: "starts_on", label: visit.t("Début (obligatoire)", "Start (required)"), value: fields["starts_on"], errors: errors, visit: visit, type: "date"))
            \(Form.input(name: "ends_on", label: visit.t("Fin, incluse (obligatoire)", "End, included (required)"), value: fields["ends_on"], errors: errors, visit: visit, type: "date"))
            </div>
            <div class="inline-fields">
            \(Form.input(name: "target_total", label: visit.t("Objectif de réponses", "Target of answers"), value: fields["target_total"], errors: errors, visit: visit, required: true, inputmode: "numeric", maxLength: 7, cssClass: "short"))
            \(Form.input(name: "target_users", label: visit.t("dont usagers", "of which users"), value: fields["target_users"], errors: errors, visit: visit, inputmode: "numeric", maxLength: 7, cssClass: "short"))
            \(Form.input(name: "target_professionals", label: visit.t("dont professionnels", "of which professionals"), value: fields["target_professionals"], errors: errors, visit: visit, inputmode: "numeric", maxLength: 7, cssClass: "short"))
            </div>
            \(Form.textarea(name: "commune_targets", label: visit.t("Objectifs par commune (facultatif)", "Targets by commune (optional)"), value: fields["commune_targets"], errors: errors, visit: visit,
                        hint: visit.t("Par défaut, l'objectif total est réparti selon la population de chaque commune. Pour en fixer certains : une ligne « commune ; nombre ».",
                                      "By default the total is spread by each commune's population. To set some: one line “commune ; number”."), rows: 4))
            \(Form.submit(visit.t("Enregistrer la vague", "Save the wave")))
            </form>
            """
        return WebPage(
            title: visit.t("Vagues · \(context.record.title)", "Waves · \(context.record.title)"), main: main,
            status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func saveWave(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let fields = req.formFields()
        let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
        switch try await SaveWave.run(
            fields: fields, questionnaire: context, waves: waves, actor: AnswerPages.actor(req), env: req.useCases)
        {
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        case .invalid(let errors):
            return req.render(
                wavesPage(visit, context, waves: waves, fields: fields, errors: errors, status: .unprocessableEntity))
        case .saved:
            req.application.questionnaireResults.forget(context.id)
            req.application.questionnaireForms.forget(context.id)
            return req.redirect(
                to: context.link(QuestionnairePaths.waves),
                flash: Flash(.success, visit.t("Vague enregistrée.", "Wave saved.")))
        }
    }
}
