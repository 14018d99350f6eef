import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// An event's page, its calendar file, creating and editing it, publishing and cancelling it.
enum EventPages {
    static func register(_ router: RouteRegistrar) {
        router.get(EventsPaths.new, access: .territory(EventsPolicy.creators)) { req in
            req.render(
                try form(
                    req, context: nil,
                    fields: [
                        "capacity": "30", "kind": EventsPolicy.kinds(rolesHere: req.visit.rolesHere).first!.rawValue,
                    ],
                    lists: [:], errors: FormErrors()))
        }
        router.post(EventsPaths.new, access: .territory(EventsPolicy.creators)) { req in
            try await save(req, context: nil)
        }
        router.get(EventsPaths.edit, access: .territory(EventsPolicy.creators)) { req in
            let context = try await EventContext.managed(req)
            return req.render(
                try form(
                    req, context: context, fields: context.event.fields,
                    lists: context.event.lists(themes: context.territory.themes), errors: FormErrors()))
        }
        router.post(EventsPaths.edit, access: .territory(EventsPolicy.creators)) { req in
            try await save(req, context: try await EventContext.managed(req))
        }
        router.post(EventsPaths.status, access: .territory(EventsPolicy.creators), use: changeStatus)
        router.get(EventsPaths.event, access: .everyone, use: show)
        router.get(EventsPaths.ics, access: .everyone) { req in
            let context = try await EventContext.load(req)
            let body = ICS.calendar(
                [EventText.icsEvent(context.event, territory: context.territory, baseURL: req.agora.config.baseURL)],
                name: context.event.title)
            return EventsPages.calendarResponse(body, filename: "rencontre-\(context.event.id).ics")
        }
    }

    // MARK: - The event's page

    @Sendable static func show(_ req: Request) async throws -> Response {
        // An anonymous visitor's kept page needs no query; a draft or unknown event is a 404, never kept.
        try await req.anonymousPage {
            let context = try await EventContext.load(req)
            return view(
                try await EventPageModel.load(req, context: context), visit: req.visit, registerFields: [:],
                registerErrors: FormErrors(), otherFields: [:], otherErrors: FormErrors(), status: .ok)
        }
    }

    /// The event's page for this visit, a pure function of its model: no request, no query.
    /// `register…` are what the visitor typed in their own registration form (and its errors),
    /// `other…` the same for the form that registers someone else.
    static func view(
        _ model: EventPageModel, visit: Visit, registerFields: [String: String], registerErrors: FormErrors,
        otherFields: [String: String], otherErrors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let event = model.event
        let slug = model.context.territory.slug
        let registration = registrationSection(model, visit: visit, fields: registerFields, errors: registerErrors)
        let other = registerOtherSection(model, visit: visit, fields: otherFields, errors: otherErrors)
        let tools = organiserTools(model, visit: visit)
        let minutes: HTML =
            event.minutes.map {
                "<section aria-labelledby=\"cr\"><h2 id=\"cr\">\(visit.t("Compte rendu", "Minutes"))</h2>\(View.paragraphs($0))</section>"
            } ?? .empty
        let documents = AfterPages.documentList(model.documents, context: model.context, visit: visit)
        let main: HTML = """
            <p class="meta"><a href="\(EventsPaths.agenda.link(slug))">\(visit.t("← L'agenda du territoire", "← The territory's agenda"))</a></p>
            <h1>\(event.title)</h1>
            <p class="meta">\(EventsPages.badge(event, now: model.now, visit: visit))\(visit.t(event.kind.label))</p>
            <dl class="facts">\(each: facts(model, visit: visit))</dl>
            <p><a href="\(EventsPaths.ics.link(slug, event.id))">\(visit.t("Ajouter à mon agenda (.ics)", "Add to my calendar (.ics)"))</a></p>
            \(View.paragraphs(event.description))
            \(registration)\(other)\(minutes)\(documents)\(tools)
            """
        return WebPage(
            title: event.title, main: main, status: status, hasErrors: !registerErrors.isEmpty || !otherErrors.isEmpty)
    }

    /// When, where, online, accessibility, themes, organisers, seats and the registration window.
    static func facts(_ model: EventPageModel, visit: Visit) -> [HTML] {
        let event = model.event
        let territory = model.context.territory
        let place = EventText.place(event, territory: territory)
        let access = AccessFeature.from(mask: event.access_mask)
        let themes = territory.themes.from(mask: event.themes_mask)
        var facts: [HTML] = [
            "<dt>\(visit.t("Quand", "When"))</dt><dd>\(EventText.when(event, lang: visit.lang)) \(visit.t("(heure de Paris)", "(Paris time)"))</dd>"
        ]
        if !place.isEmpty { facts.append("<dt>\(visit.t("Où", "Where"))</dt><dd>\(place)</dd>") }
        if let online = event.online_url {
            facts.append(
                "<dt>\(visit.t("En ligne", "Online"))</dt><dd><a href=\"\(online)\" rel=\"nofollow noopener\">\(online)</a></dd>"
            )
        }
        facts.append(
            "<dt>\(visit.t("Accessibilité", "Accessibility"))</dt><dd>\(access.isEmpty ? visit.t("Pas d'information : demandez aux organisateurs.", "No information: ask the organisers.") : access.map { visit.t($0.label) }.joined(separator: " ; "))</dd>"
        )
        if !themes.isEmpty {
            facts.append(
                "<dt>\(visit.t("Thèmes", "Themes"))</dt><dd>\(themes.map { visit.t($0.label) }.joined(separator: ", "))</dd>"
            )
        }
        if !event.organisers.isEmpty {
            facts.append("<dt>\(visit.t("Organisé par", "Organised by"))</dt><dd>\(event.organisers)</dd>")
        }
        facts.append(
            "<dt>\(visit.t("Places", "Seats"))</dt><dd>\(visit.t("\(event.capacity) places, \(event.seatsLeft) restantes", "\(event.capacity) seats, \(event.seatsLeft) left"))\(event.waiting > 0 ? " · " + visit.t("\(event.waiting) en liste d'attente", "\(event.waiting) on the waiting list") : "")</dd>"
        )
        if let opens = event.opens_on {
            facts.append(
                "<dt>\(visit.t("Inscriptions ouvertes le", "Registration opens on"))</dt><dd>\(DateText.day(iso: opens, lang: visit.lang))</dd>"
            )
        }
        if let closes = event.closes_on {
            facts.append(
                "<dt>\(visit.t("Inscriptions jusqu'au", "Registration until"))</dt><dd>\(DateText.day(iso: closes, lang: visit.lang))</dd>"
            )
        }
        return facts
    }

    /// The visitor's own registration, or the form to register (for an upcoming published event).
    static func registrationSection(
        _ model: EventPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) -> HTML {
        let event = model.event
        if let mine = model.mine {
            let state =
                mine.status == .waiting
                ? visit.t(
                    "Vous êtes sur la liste d'attente. Si une place se libère, vous êtes inscrit·e automatiquement et prévenu·e par e-mail.",
                    "You are on the waiting list. If a seat frees up, you are registered automatically and told by e-mail."
                )
                : visit.t("Vous êtes inscrit·e.", "You are registered.")
            // A second registration attempt is refused: its reason shows here, where the form was.
            let refused: HTML =
                errors.items.first.map { "<p class=\"field-error\" role=\"alert\">\($0.message)</p>" } ?? .empty
            return """
                <section aria-labelledby="mon-inscription" class="panel"><h2 id="mon-inscription">\(visit.t("Votre inscription", "Your registration"))</h2>
                \(refused)<p>\(state)</p><p><a href="\(mine.path)">\(visit.t("Voir mon inscription, mon code d'accueil ou annuler", "See my registration, my check-in code or cancel"))</a></p></section>
                """
        }
        guard event.status == .published && !event.isPast(now: model.now) else { return .empty }
        return registerForm(model, visit: visit, fields: fields, errors: errors)
    }

    /// Registering oneself, as the registration window and the seats left allow.
    static func registerForm(
        _ model: EventPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) -> HTML {
        let event = model.event
        let window = RegistrationWindow.state(
            opensOn: event.opens_on, closesOn: event.closes_on, start: event.starts_at, now: model.now)
        let heading = "<h2 id=\"inscription\">\(visit.t("S'inscrire", "Register"))</h2>" as HTML
        let fullNotice: HTML =
            "<p class=\"notice\">\(visit.t("C'est complet. Vous pouvez vous inscrire sur la liste d'attente : si une place se libère, vous serez inscrit·e automatiquement et prévenu·e par e-mail.", "It is full. You can join the waiting list: if a seat frees up, you will be registered automatically and told by e-mail."))</p>"
        switch window {
        case .notYet:
            return
                "<section aria-labelledby=\"inscription\">\(heading)<p>\(visit.t(Seats.Refusal.notYetOpen.message))</p></section>"
        case .closed:
            return
                "<section aria-labelledby=\"inscription\">\(heading)<p>\(visit.t(Seats.Refusal.closed.message))</p></section>"
        case .open where visit.viewer == nil:
            return """
                <section aria-labelledby="inscription">\(heading)\(event.seatsLeft == 0 ? fullNotice : .empty)<p><a class="button" href="\(LoginLink.to(model.context.path + "#inscription"))">\(visit.t("Se connecter pour s'inscrire", "Log in to register"))</a> \
                <a href="/inscription">\(visit.t("Créer un compte", "Create an account"))</a></p>\
                <p class="hint">\(visit.t("Sans e-mail ou sans ordinateur ? Un·e patient·e partenaire ou la coordination peut vous inscrire : appelez-les.",
                                      "No e-mail or no computer? A patient partner or the coordination team can register you: call them."))</p></section>
                """
        case .open:
            let full = event.seatsLeft == 0
            return """
                <section aria-labelledby="inscription">\(heading)\
                \(full ? fullNotice : .empty)\
                \(Form.errorSummary(errors, visit: visit))\
                \(Form.open(action: EventsPaths.register.link(model.context.territory.slug, event.id), visit: visit))\
                \(Form.textarea(name: "needs", label: visit.t("Ce que vous souhaitez que les organisateurs sachent (facultatif)", "What you want the organisers to know (optional)"),
                            value: fields["needs"], errors: errors, visit: visit,
                            hint: visit.t("Par exemple : j'ai besoin d'un interprète, je viens en fauteuil, je viens avec mon enfant. N'écrivez pas d'information médicale.",
                                          "For example: I need an interpreter, I use a wheelchair, I come with my child. Do not write medical information."),
                            rows: 3, maxLength: 500))\
                \(Form.submit(full ? visit.t("M'inscrire sur la liste d'attente", "Join the waiting list") : visit.t("M'inscrire", "Register me")))</form></section>
                """
        }
    }

    /// Registering someone else (patient partners, coordinators), when the model holds the
    /// territory's assisted profiles.
    static func registerOtherSection(
        _ model: EventPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) -> HTML {
        guard let assisted = model.assisted else { return .empty }
        let territory = model.context.territory
        let assistedField: HTML =
            assisted.isEmpty
            ? .empty
            : Form.select(
                name: "assisted", label: visit.t("Une personne accompagnée", "An assisted person"),
                options: assisted.map { Form.Option(String($0.id), $0.name) }, selected: fields["assisted"],
                errors: errors, visit: visit,
                hint: visit.t(
                    "Ou bien indiquez un nom et un téléphone ci-dessous.",
                    "Or give a name and a phone number below."),
                placeholder: visit.t("— Personne sans profil —", "— Person without a profile —"))
        return """
            <section aria-labelledby="inscrire-autrui"><h2 id="inscrire-autrui">\(visit.t("Inscrire une autre personne", "Register someone else"))</h2>
            \(Form.errorSummary(errors, visit: visit))\
            \(Form.open(action: EventsPaths.registerOther.link(territory.slug, model.event.id), visit: visit))\
            \(assistedField)\
            \(Form.input(name: "name", label: visit.t("Nom", "Name"), value: fields["name"], errors: errors, visit: visit, maxLength: 120))\
            \(Form.input(name: "phone", label: visit.t("Téléphone", "Phone"), value: fields["phone"], errors: errors, visit: visit, type: "tel",
                     hint: visit.t("Pour la prévenir d'un changement.", "To tell them of a change."), autocomplete: "off", maxLength: 30))\
            \(Form.select(name: "commune", label: visit.t("Sa commune", "Their municipality"), options: territory.communes.map { Form.Option($0.code, $0.name) },
                      selected: fields["commune"], errors: errors, visit: visit, placeholder: visit.t("— Ne pas préciser —", "— Not given —")))\
            \(Form.textarea(name: "needs", label: visit.t("Ses besoins (facultatif)", "Their needs (optional)"), value: fields["needs"], errors: errors,
                        visit: visit, rows: 2, maxLength: 500, field: "other_needs"))\
            \(Form.submit(visit.t("Inscrire cette personne", "Register this person"), secondary: true))</form></section>
            """
    }

    /// The organiser's panel: links to the event's tools, publish or cancel, and after a
    /// cancellation the people to call.
    static func organiserTools(_ model: EventPageModel, visit: Visit) -> HTML {
        guard model.context.manages else { return .empty }
        let event = model.event
        let slug = model.context.territory.slug
        let links: [HTML] = [
            "<a href=\"\(EventsPaths.edit.link(slug, event.id))\">\(visit.t("Modifier", "Edit"))</a>",
            "<a href=\"\(EventsPaths.registrations.link(slug, event.id))\">\(visit.t("Inscrit·es et accueil", "Registrants and check-in"))</a>",
            "<a href=\"\(EventsPaths.sheet.link(slug, event.id))\">\(visit.t("Feuille d'émargement", "Attendance sheet"))</a>",
            "<a href=\"\(EventsPaths.live.link(slug, event.id))\">\(visit.t("Participation en direct", "Live participation"))</a>",
            "<a href=\"\(EventsPaths.after.link(slug, event.id))\">\(visit.t("Après la rencontre : compte rendu, documents, questionnaire", "After the event: minutes, documents, questionnaire"))</a>",
            "<a href=\"\(EventsPaths.figures.link(slug, event.id))\">\(visit.t("Chiffres", "Figures"))</a>",
        ]
        var buttons: [HTML] = []
        if event.status == .draft {
            buttons.append(
                statusButton(visit, slug: slug, id: event.id, to: .published, label: visit.t("Publier", "Publish")))
        }
        if event.status == .published && !event.isPast(now: model.now) {
            buttons.append(
                statusButton(
                    visit, slug: slug, id: event.id, to: .cancelled,
                    label: visit.t(
                        "Annuler la rencontre (les inscrit·es sont prévenu·es)",
                        "Cancel the event (registrants are told)")))
        }
        return """
            <section aria-labelledby="organiser" class="panel"><h2 id="organiser">\(visit.t("Organiser", "Organise"))</h2>\
            <p>\(visit.t("État", "Status")) : \(visit.t(event.status.label))</p><ul>\(each: links.map { "<li>\($0)</li>" as HTML })</ul>\(HTML.join(buttons, separator: " "))\(toCall(model, visit: visit))</section>
            """
    }

    /// Cancelled: the e-mails went out; the people without an address are to be called.
    static func toCall(_ model: EventPageModel, visit: Visit) -> HTML {
        guard model.event.status == .cancelled, let people = model.toCall else { return .empty }
        return people.isEmpty
            ? "<p>\(visit.t("Toutes les personnes inscrites ont été prévenues par e-mail.", "Everyone registered was told by e-mail."))</p>"
            : """
            <h3 id="a-appeler">\(visit.t("Personnes à prévenir par téléphone", "People to tell by phone"))</h3>\
            <p>\(visit.t("Elles n'ont pas d'adresse e-mail : elles ne savent pas encore que la rencontre est annulée.", "They have no e-mail address: they do not know yet that the event is cancelled."))</p>\
            \(View.table(caption: visit.t("À appeler", "To call"), headers: [visit.t("Nom", "Name"), visit.t("Téléphone", "Phone")],
                     rows: people.map { ["\($0.name)", "\($0.phone ?? visit.t("pas de numéro", "no number"))"] }))
            """
    }

    static func statusButton(_ visit: Visit, slug: String, id: Int, to status: EventStatus, label: String) -> HTML {
        """
        <form method="post" action="\(EventsPaths.status.link(slug, id))" class="inline-form">\(Form.csrf(visit))\
        <input type="hidden" name="status" value="\(status.rawValue)"><button type="submit" class="button\(status == .cancelled ? " secondary" : "")">\(label)</button></form>
        """
    }

    // MARK: - Creating and editing

    static func form(
        _ req: Request, context: EventContext?, fields: [String: String], lists: [String: [String]], errors: FormErrors,
        status: HTTPStatus = .ok
    ) throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let action =
            context.map { EventsPaths.edit.link(territory.slug, $0.event.id) } ?? EventsPaths.new.link(territory.slug)
        let title =
            context.map { visit.t("Modifier « \($0.event.title) »", "Edit “\($0.event.title)”") }
            ?? visit.t("Créer une rencontre", "Create an event")
        let kinds = EventsPolicy.kinds(rolesHere: visit.rolesHere)
        let main: HTML = """
            <h1>\(title)</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: action, visit: visit))
            \(Form.radios(name: "kind", legend: visit.t("Type de rencontre", "Kind of event"), options: kinds.map { Form.Option($0.rawValue, visit.t($0.label)) },
                      selected: fields["kind"], errors: errors, visit: visit, required: true))
            \(Form.input(name: "title", label: visit.t("Titre", "Title"), value: fields["title"], errors: errors, visit: visit,
                     hint: visit.t("Court et clair : « Forum santé : trouver un médecin traitant »", "Short and clear: “Health forum: finding a GP”"), required: true, maxLength: 150))
            \(Form.textarea(name: "description", label: visit.t("Présentation en français simple", "Presentation in plain French"), value: fields["description"], errors: errors,
                        visit: visit, hint: visit.t("De quoi on parle, pour qui, comment ça se passe. Des phrases courtes. Une ligne vide sépare les paragraphes.",
                                                    "What it is about, for whom, how it goes. Short sentences. A blank line separates paragraphs."), required: true, rows: 6, maxLength: 6000))
            \(Form.checkboxes(name: "themes", legend: visit.t("Thèmes", "Themes"), options: territory.themes.options(keeping: lists["themes"] ?? [], visit: visit),
                          selected: Set(lists["themes"] ?? []), errors: errors, visit: visit))
            <fieldset class="field"><legend>\(visit.t("Date et heure (heure de Paris)", "Date and time (Paris time)"))</legend>
            \(Form.input(name: "day", label: visit.t("Jour (obligatoire)", "Day (required)"), value: fields["day"], errors: errors, visit: visit, type: "date",
                     hint: visit.t("Format 2027-03-31.", "Format 2027-03-31.")))
            \(Form.input(name: "start_time", label: visit.t("Début (obligatoire)", "Start (required)"), value: fields["start_time"], errors: errors, visit: visit, type: "time",
                     hint: visit.t("Format 14:00.", "Format 14:00.")))
            \(Form.input(name: "end_time", label: visit.t("Fin (obligatoire)", "End (required)"), value: fields["end_time"], errors: errors, visit: visit, type: "time",
                     hint: visit.t("Format 16:30.", "Format 16:30.")))
            </fieldset>
            <fieldset class="field"><legend>\(visit.t("Lieu, lien en ligne, ou les deux", "Place, online link, or both"))</legend>
            \(Form.select(name: "commune", label: visit.t("Commune", "Municipality"), options: territory.communes.map { Form.Option($0.code, $0.name) },
                      selected: fields["commune"], errors: errors, visit: visit, placeholder: visit.t("— En ligne seulement —", "— Online only —")))
            \(Form.input(name: "address", label: visit.t("Adresse", "Address"), value: fields["address"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : 2 rue de la Mairie", "For example: 2 rue de la Mairie"), maxLength: 200))
            \(Form.input(name: "room", label: visit.t("Salle", "Room"), value: fields["room"], errors: errors, visit: visit, maxLength: 120))
            \(Form.input(name: "online_url", label: visit.t("Lien pour suivre en ligne", "Link to take part online"), value: fields["online_url"], errors: errors, visit: visit,
                     type: "url", maxLength: 300))
            </fieldset>
            \(Form.checkboxes(name: "access", legend: visit.t("Accessibilité", "Accessibility"), options: AccessFeature.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                          selected: Set(lists["access"] ?? []), errors: errors, visit: visit, hint: visit.t("Cochez ce qui est prévu.", "Tick what is provided.")))
            \(Form.input(name: "capacity", label: visit.t("Nombre de places", "Number of seats"), value: fields["capacity"], errors: errors, visit: visit, type: "number",
                     required: true, inputmode: "numeric"))
            \(Form.input(name: "opens_on", label: visit.t("Ouverture des inscriptions", "Registration opens"), value: fields["opens_on"], errors: errors, visit: visit, type: "date",
                     hint: visit.t("Vide : dès la publication.", "Empty: as soon as published.")))
            \(Form.input(name: "closes_on", label: visit.t("Clôture des inscriptions, incluse", "Registration closes, included"), value: fields["closes_on"], errors: errors,
                     visit: visit, type: "date", hint: visit.t("Vide : jusqu'au début de la rencontre.", "Empty: until the event starts.")))
            \(Form.input(name: "organisers", label: visit.t("Organisateurs", "Organisers"), value: fields["organisers"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : CPTS du Pays de Vitré, association des patients partenaires", "For example: the CPTS, the patient partners' association"), maxLength: 300))
            \(Form.submit(context == nil ? visit.t("Enregistrer le brouillon", "Save the draft") : visit.t("Enregistrer", "Save")))
            </form>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    static func save(_ req: Request, context: EventContext?) async throws -> Response {
        let scope = try req.scope()
        let fields = req.formFields()
        let lists = req.formLists(["themes[]", "access[]"])
        let named = ["themes": lists["themes[]"] ?? [], "access": lists["access[]"] ?? []]
        let outcome = try await SaveEvent.run(
            fields, lists: named, editing: context?.event, territory: scope.territory, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .created(let id):
            return req.redirect(
                to: EventsPaths.event.link(scope.slug, id),
                flash: Flash(
                    .success,
                    scope.t(
                        "Brouillon enregistré. Relisez-le puis publiez-le.",
                        "Draft saved. Read it again, then publish it.")
                ))
        case .saved(let id):
            return req.redirect(
                to: EventsPaths.event.link(scope.slug, id),
                flash: Flash(.success, scope.t("Modifications enregistrées.", "Changes saved.")))
        case .invalid(let errors):
            return req.render(
                try form(
                    req, context: context, fields: fields, lists: named, errors: errors, status: .unprocessableEntity))
        case .forbidden:
            throw Abort(.forbidden)
        }
    }

    // MARK: - Publishing and cancelling

    @Sendable static func changeStatus(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let event = context.event
        guard let target = EventStatus(rawValue: req.formFields()["status"] ?? "") else {
            throw Abort(.unprocessableEntity)
        }
        let outcome = try await ChangeEventStatus.run(
            to: target, event: event, territory: context.territory, actor: Actor(try req.scope()), env: req.useCases)
        let message: String
        switch outcome {
        case .published:
            message = visit.t("La rencontre est publiée dans l'agenda.", "The event is published in the agenda.")
        case .cancelled(let emailed, let toCall):
            let told = visit.t(
                emailed == 1
                    ? "La rencontre est annulée ; 1 inscrit·e est prévenu·e par e-mail."
                    : "La rencontre est annulée ; \(emailed) inscrit·es sont prévenu·es par e-mail.",
                emailed == 1
                    ? "The event is cancelled; 1 registrant is told by e-mail."
                    : "The event is cancelled; \(emailed) registrants are told by e-mail.")
            let call =
                toCall == 0
                ? ""
                : " "
                    + visit.t(
                        toCall == 1
                            ? "1 personne n'a pas d'e-mail : appelez-la (liste ci-dessous)."
                            : "\(toCall) personnes n'ont pas d'e-mail : appelez-les (liste ci-dessous).",
                        toCall == 1
                            ? "1 person has no e-mail: call them (list below)."
                            : "\(toCall) people have no e-mail: call them (list below).")
            message = told + call
        case .notAllowed:
            return EventsPages.refusal(
                req, status: .conflict, title: Text("Changement impossible", "Change not possible"),
                message: Text(
                    "Cette rencontre ne peut pas passer dans cet état.", "This event cannot move to that status."),
                back: context.path)
        case .forbidden:
            throw Abort(.forbidden)
        }
        return req.redirect(to: context.path, flash: Flash(.success, message))
    }
}
