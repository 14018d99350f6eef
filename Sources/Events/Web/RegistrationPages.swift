import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// Registering oneself or someone else, one's registration (QR code, one-click cancel), the
/// organisers' list of registrants with the check-in at the door and walk-ins.
enum RegistrationPages {
    static func register(_ router: RouteRegistrar) {
        router.post(EventsPaths.register, access: .signedIn, use: registerSelf)
        router.post(EventsPaths.registerOther, access: .territory(EventsPolicy.registerOthers), use: registerOther)
        router.get(EventsPaths.mine, access: .everyone) { req in
            let (context, row) = try await mine(req)
            return req.render(minePage(req, context: context, row: row))
        }
        router.post(EventsPaths.mine, access: .everyone) { req in
            let (context, row) = try await mine(req)
            guard !context.event.isPast(now: Date()) else {
                return EventsPages.refusal(
                    req, status: .conflict, title: Text("Rencontre passée", "Past event"),
                    message: Text(
                        "Cette rencontre a eu lieu : l'inscription ne peut plus être annulée.",
                        "This event took place: the registration can no longer be cancelled."),
                    back: context.path)
            }
            try await req.db.transaction { db in
                let promoted = try await EventStore.cancel(registrationID: row.id, eventID: context.event.id, on: db)
                try await tellPromoted(req, promoted, event: context.event, territory: context.territory, on: db)
            }
            req.eventsChanged()
            return req.redirect(
                to: context.path,
                flash: Flash(
                    .success,
                    req.visit.t(
                        "Votre inscription est annulée. Merci d'avoir laissé la place.",
                        "Your registration is cancelled. Thank you for freeing the seat.")))
        }
        router.get(EventsPaths.registrations, access: .territory(EventsPolicy.creators), use: list)
        router.get(EventsPaths.sheet, access: .territory(EventsPolicy.creators), use: sheet)
        router.get(EventsPaths.checkIn, access: .territory(EventsPolicy.creators)) { req in
            let (context, row) = try await checkInTarget(req, signed: true)
            let visit = req.visit
            let done = row.checked_in_at != nil
            let main: HTML = """
                <h1>\(visit.t("Accueil : \(row.name)", "Check-in: \(row.name)"))</h1>
                <p>\(context.event.title) · \(EventsPages.when(context.event, lang: visit.lang))</p>
                \(done ? "<p class=\"notice\">\(visit.t("Déjà accueilli·e.", "Already checked in."))</p>" as HTML : """
                \(Form.open(action: EventsPaths.checkInByList.link(context.territory.slug, context.event.id, row.id), visit: visit))\
                \(Form.submit(visit.t("Confirmer l'arrivée de \(row.name)", "Confirm \(row.name)'s arrival")))</form>
                """)
                <p><a href="\(EventsPaths.registrations.link(context.territory.slug, context.event.id))">\(visit.t("La liste des inscrit·es", "The list of registrants"))</a></p>
                """
            return req.render(WebPage(title: visit.t("Accueil", "Check-in"), main: main))
        }
        router.post(EventsPaths.checkInByList, access: .territory(EventsPolicy.creators)) { req in
            let (context, row) = try await checkInTarget(req, signed: false)
            try await req.db.transaction { db in
                try await EventStore.checkIn(registrationID: row.id, eventID: context.event.id, on: db)
                try await AuditEntry.record(
                    actor: req.visit.viewer?.personID, territory: context.territory.id, action: "event.check-in",
                    subject: "registration \(row.id)", on: db)
            }
            req.eventsChanged()
            return req.redirect(
                to: EventsPaths.registrations.link(context.territory.slug, context.event.id),
                flash: Flash(.success, req.visit.t("\(row.name) est accueilli·e.", "\(row.name) is checked in.")))
        }
        router.post(EventsPaths.walkIn, access: .territory(EventsPolicy.creators), use: walkIn)
    }

    // MARK: - Registering

    @Sendable static func registerSelf(_ req: Request) async throws -> Response {
        let context = try await EventContext.load(req)
        let visit = req.visit
        let viewer = visit.viewer!
        let fields = req.formFields()
        var errors = FormErrors()
        let needs = TextRule.optional(fields, "needs", maxLength: 500, errors: &errors, lang: visit.lang)
        let roles = visit.rolesHere
        // The person's commune (from their profile) feeds the event's figures by commune.
        let commune = try await Self.communeOf(personID: viewer.personID, territory: context.territory, on: req.db)
        let who = EventStore.Registrant(
            personID: viewer.personID, name: viewer.displayName, email: viewer.email, phone: nil, needs: needs,
            communeCode: commune, audience: EventsPages.audience(roles), by: viewer.personID)
        return try await take(req, context: context, who: who, errors: errors, fields: fields, other: false)
    }

    @Sendable static func registerOther(_ req: Request) async throws -> Response {
        let context = try await EventContext.load(req)
        let visit = req.visit
        let fields = req.formFields()
        var errors = FormErrors()
        var who: EventStore.Registrant
        let needs = TextRule.optional(fields, "needs", maxLength: 500, errors: &errors, lang: visit.lang)
        let commune = fields["commune"].flatMap { context.territory.commune(code: $0)?.code }
        if let assisted = fields["assisted"].flatMap(Int.init) {
            let profiles = try await EventPages.assistedProfiles(territoryID: context.territory.id, on: req.db)
            guard let profile = profiles.first(where: { $0.id == assisted }) else {
                errors.add(
                    "assisted", visit.t("Choisissez une personne de la liste.", "Choose a person from the list."))
                return try await take(req, context: context, who: nil, errors: errors, fields: fields, other: true)
            }
            // The commune chosen in the form, else the one of the assisted profile.
            let profileCommune = profile.commune.flatMap { context.territory.commune(code: $0)?.code }
            who = .init(
                personID: profile.id, name: profile.name, email: nil, phone: nil, needs: needs,
                communeCode: commune ?? profileCommune,
                audience: Role.resident.rawValue, by: visit.viewer?.personID)
        } else {
            let name = TextRule.required(
                fields, "name", maxLength: 120, errors: &errors, lang: visit.lang,
                missing: Text(
                    "Indiquez le nom de la personne, ou choisissez une personne accompagnée.",
                    "Give the person's name, or choose an assisted person."))
            let phone = TextRule.optional(fields, "phone", maxLength: 30, errors: &errors, lang: visit.lang)
            if let phone,
                phone.filter(\.isNumber).count < 10 || !phone.allSatisfy({ $0.isNumber || " +.-()".contains($0) })
            {
                errors.add(
                    "phone",
                    visit.t(
                        "Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.",
                        "Enter a phone number, e.g. 06 12 34 56 78."))
            }
            who = .init(
                personID: nil, name: name, email: nil, phone: phone, needs: needs, communeCode: commune,
                audience: Role.resident.rawValue, by: visit.viewer?.personID)
        }
        return try await take(req, context: context, who: who, errors: errors, fields: fields, other: true)
    }

    /// The commune of a person's profile when it belongs to the territory.
    static func communeOf(personID: Int, territory: TerritoryInfo, on db: any Database) async throws -> String? {
        struct Row: Decodable { let commune_code: String? }
        let code = try await db.sql.raw("SELECT commune_code FROM people WHERE id = \(bind: personID)")
            .first(decoding: Row.self)?.commune_code
        return code.flatMap { territory.commune(code: $0)?.code }
    }

    /// Takes a seat or a place on the waiting list, or shows the form again with the reason.
    static func take(
        _ req: Request, context: EventContext, who: EventStore.Registrant?, errors: FormErrors,
        fields: [String: String], other: Bool
    ) async throws -> Response {
        var errors = errors
        let visit = req.visit
        let event = context.event
        let field = other ? (fields["assisted"].flatMap(Int.init) != nil ? "assisted" : "name") : "needs"
        let window = RegistrationWindow.state(
            opensOn: event.opens_on, closesOn: event.closes_on, start: event.starts_at, now: Date())
        if case .refused(let refusal) = Seats.decide(
            status: event.statusValue, window: window, alreadyRegistered: false, registered: event.registered,
            capacity: event.capacity)
        {
            errors.add(field, visit.t(refusal.message))
        }
        var outcome: (id: Int, status: String)?
        if errors.isEmpty, let who {
            // Committed with the other registrations of the same instant on SQLite (a burst of
            // 2,000 at once is answered without timing out), alone on PostgreSQL.
            outcome = try await req.agora.writes.perform(on: req.db) { db -> (id: Int, status: String)? in
                guard let row = try await EventStore.register(eventID: event.id, who, on: db) else { return nil }
                try await confirm(
                    req, context: context, registrationID: row.id, status: row.status, email: who.email, on: db)
                if other {
                    try await AuditEntry.record(
                        actor: visit.viewer?.personID, territory: context.territory.id, action: "event.register-other",
                        subject: "registration \(row.id)", on: db)
                }
                return row
            }
            if outcome == nil {
                errors.add(
                    field,
                    other && who.personID == nil
                        ? visit.t(
                            "Cette personne (même nom, même numéro de téléphone) est déjà inscrite à cette rencontre.",
                            "This person (same name, same phone number) is already registered for this event.")
                        : visit.t(Seats.Refusal.alreadyRegistered.message))
            } else {
                req.eventsChanged()
            }
        }
        guard errors.isEmpty, let outcome else {
            let page = try await EventPages.page(
                req, context: context, registerErrors: other ? FormErrors() : errors,
                registerFields: other ? [:] : fields,
                otherErrors: other ? errors : FormErrors(), otherFields: other ? fields : [:],
                status: .unprocessableEntity)
            return req.render(page)
        }
        let message: String
        if outcome.status == "waiting" {
            message =
                other
                ? visit.t(
                    "C'est complet : la personne est sur la liste d'attente.",
                    "It is full: the person is on the waiting list.")
                : visit.t(
                    "C'est complet : vous êtes sur la liste d'attente. Vous serez prévenu·e par e-mail si une place se libère.",
                    "It is full: you are on the waiting list. You will be told by e-mail if a seat frees up.")
        } else {
            message =
                other
                ? visit.t("La personne est inscrite.", "The person is registered.")
                : visit.t(
                    "Vous êtes inscrit·e. Un e-mail de confirmation vous est envoyé.",
                    "You are registered. A confirmation e-mail is on its way.")
        }
        if !other {
            let links = EventsPages.links(
                req, slug: context.territory.slug, eventID: event.id, registrationID: outcome.id)
            return req.redirect(to: links.minePath, flash: Flash(.success, message))
        }
        return req.redirect(to: context.path, flash: Flash(.success, message))
    }

    /// The confirmation e-mail (when the person has an address), with the calendar file joined
    /// (and linked) and the page of the registration (QR code for the check-in, cancel in one click).
    static func confirm(
        _ req: Request, context: EventContext, registrationID: Int, status: String, email: String?, on db: any Database
    ) async throws {
        guard let email else { return }
        let event = context.event
        let links = EventsPages.links(
            req, slug: context.territory.slug, eventID: event.id, registrationID: registrationID)
        let place = EventsPages.place(event, territory: context.territory)
        let waiting = status == "waiting"
        try await Mailer.enqueue(
            to: email, subject: waiting ? "Liste d'attente : \(event.title)" : "Inscription confirmée : \(event.title)",
            body: """
                Bonjour,

                \(waiting ? "C'est complet : vous êtes sur la liste d'attente de « \(event.title) ». Si une place se libère, vous serez inscrit·e automatiquement et prévenu·e par e-mail." : "Votre inscription à « \(event.title) » est confirmée.")
                Quand : \(EventsPages.when(event, lang: .fr)) (heure de Paris)
                \(place.isEmpty ? "" : "Où : \(place)\n")\(event.online_url.map { "En ligne : \($0)\n" } ?? "")
                Ajouter à votre agenda : le fichier .ics est joint à ce message ; il est aussi ici : \(links.ics)
                Votre inscription, avec le code à montrer à l'accueil : \(links.mine)
                Vous ne pouvez plus venir ? Annulez en un clic pour laisser la place : \(links.mine)

                \(waiting ? "It is full: you are on the waiting list of “\(event.title)”." : "Your registration for “\(event.title)” is confirmed.") Calendar file (attached): \(links.ics)
                """,
            attachments: [
                EventsPages.icsAttachment(event, territory: context.territory, baseURL: req.agora.config.baseURL)
            ], on: db)
    }

    /// Tells the people who moved up from the waiting list, with the event's calendar file.
    static func tellPromoted(
        _ req: Request, _ promoted: [RegistrationRecord], event: EventRecord, territory: TerritoryInfo,
        on db: any Database
    ) async throws {
        let title = event.title
        for row in promoted {
            guard let email = row.email else { continue }
            let links = EventsPages.links(req, slug: territory.slug, eventID: row.event_id, registrationID: row.id)
            try await Mailer.enqueue(
                to: email, subject: "Une place s'est libérée : \(title)",
                body: """
                    Bonjour,

                    Une place s'est libérée : vous êtes maintenant inscrit·e à « \(title) », \(ParisTime.longText(event.starts_at, french: true)).
                    Ajouter à votre agenda : le fichier .ics est joint à ce message ; il est aussi ici : \(links.ics)
                    Votre inscription : \(links.mine)
                    Vous ne pouvez plus venir ? Annulez en un clic : \(links.mine)

                    A seat freed up: you are now registered for “\(title)”. The calendar file is attached.
                    """,
                attachments: [
                    EventsPages.icsAttachment(event, territory: territory, baseURL: req.agora.config.baseURL)
                ], on: db)
        }
    }

    // MARK: - One's registration

    /// The registration of a signed link; 404 for a wrong token or another territory.
    static func mine(_ req: Request) async throws -> (EventContext, RegistrationRecord) {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("registration")),
            let token = req.parameters.get("token"),
            EventLinks.verify(
                registrationID: id, token: token, purpose: "event-registration", signer: req.agora.signer),
            let row = try await EventStore.registration(id, on: req.db),
            let event = try await EventStore.event(row.event_id, on: req.db), event.territory_id == territory.id
        else { throw Abort(.notFound) }
        return (EventContext(event: event, territory: territory, visit: req.visit), row)
    }

    static func minePage(_ req: Request, context: EventContext, row: RegistrationRecord) -> WebPage {
        let visit = req.visit
        let event = context.event
        let links = EventsPages.links(req, slug: context.territory.slug, eventID: event.id, registrationID: row.id)
        let qr =
            (try? QRCode.encode(links.checkIn))?.svg(
                label: visit.t("Code d'accueil de \(row.name)", "Check-in code of \(row.name)")) ?? ""
        let state =
            row.status == "waiting"
            ? visit.t("Sur la liste d'attente", "On the waiting list") : visit.t("Inscrit·e", "Registered")
        let past = event.isPast(now: Date())
        let main: HTML = """
            <h1>\(visit.t("Inscription de \(row.name)", "Registration of \(row.name)"))</h1>
            <dl class="facts"><dt>\(visit.t("Rencontre", "Event"))</dt><dd><a href="\(context.path)">\(event.title)</a></dd>\
            <dt>\(visit.t("Quand", "When"))</dt><dd>\(EventsPages.when(event, lang: visit.lang))</dd>\
            <dt>\(visit.t("État", "Status"))</dt><dd>\(state)</dd></dl>
            <p><a href="\(EventsPaths.ics.link(context.territory.slug, event.id))">\(visit.t("Ajouter à mon agenda (.ics)", "Add to my calendar (.ics)"))</a></p>
            \(row.status == "registered" ? """
            <section aria-labelledby="code"><h2 id="code">\(visit.t("Votre code d'accueil", "Your check-in code"))</h2>\
            <p>\(visit.t("Montrez ce code à l'accueil le jour de la rencontre (sur votre téléphone ou imprimé). Vous pouvez aussi simplement donner votre nom.",
                         "Show this code at the door on the day (on your phone or printed). You can also just give your name."))</p>\
            <div class="qr">\(HTML(unsafeRaw: qr))</div></section>
            """ as HTML : .empty)
            \(past ? HTML.empty : """
            <section aria-labelledby="annuler"><h2 id="annuler">\(visit.t("Vous ne pouvez plus venir ?", "You cannot come any more?"))</h2>\
            <p>\(visit.t("Annulez pour laisser la place à une personne de la liste d'attente.", "Cancel to give the seat to someone on the waiting list."))</p>\
            \(Form.open(action: links.minePath, visit: visit))\(Form.submit(visit.t("Annuler mon inscription", "Cancel my registration"), secondary: true))</form></section>
            """)
            """
        return WebPage(title: visit.t("Mon inscription", "My registration"), main: main)
    }

    // MARK: - Organisers: registrants, attendance sheet, check-in, walk-ins

    static func checkInTarget(_ req: Request, signed: Bool) async throws -> (EventContext, RegistrationRecord) {
        let context = try await EventContext.managed(req)
        guard let id = PathID.parse(req.parameters.get("registration")),
            let row = try await EventStore.registration(id, on: req.db),
            row.event_id == context.event.id, row.status == "registered"
        else { throw Abort(.notFound) }
        if signed {
            guard let token = req.parameters.get("token"),
                EventLinks.verify(registrationID: id, token: token, purpose: "event-checkin", signer: req.agora.signer)
            else { throw Abort(.notFound) }
        }
        return (context, row)
    }

    @Sendable static func list(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        return req.render(try await listPage(req, context: context, fields: [:], errors: FormErrors(), status: .ok))
    }

    static func listPage(
        _ req: Request, context: EventContext, fields: [String: String], errors: FormErrors, status: HTTPStatus
    ) async throws -> WebPage {
        let visit = req.visit
        let slug = context.territory.slug
        let event = context.event
        let search = (req.queryFields()["nom"] ?? "").trimmingCharacters(in: .whitespaces)
        let all = try await EventStore.registrations(eventID: event.id, on: req.db)
        func fold(_ text: String) -> String {
            text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        }
        let rows = search.isEmpty ? all : all.filter { fold($0.name).contains(fold(search)) }
        let registered = rows.filter { $0.status == "registered" }
        let waiting = rows.filter { $0.status == "waiting" }
        func line(_ row: RegistrationRecord) -> [HTML] {
            let arrived: HTML =
                row.checked_in_at != nil
                ? "\(visit.t("Arrivé·e", "Arrived"))"
                : """
                <form method="post" action="\(EventsPaths.checkInByList.link(slug, event.id, row.id))" class="inline-form">\(Form.csrf(visit))\
                <button type="submit" class="button secondary">\(visit.t("Accueillir", "Check in"))<span class="visually-hidden"> \(row.name)</span></button></form>
                """
            return [
                "\(row.name)\(row.walk_in ? " (" + visit.t("sur place", "walk-in") + ")" : "")",
                "\(row.phone ?? row.email ?? "")", "\(row.needs ?? "")",
                row.status == "registered" ? arrived : "\(visit.t("En attente", "Waiting"))",
            ]
        }
        let headers = [
            visit.t("Nom", "Name"), visit.t("Contact", "Contact"), visit.t("Besoins signalés", "Needs shared"),
            visit.t("Arrivée", "Arrival"),
        ]
        let main: HTML = """
            <p class="meta"><a href="\(context.path)">\(visit.t("← La rencontre", "← The event"))</a></p>
            <h1>\(visit.t("Inscrit·es : \(event.title)", "Registrants: \(event.title)"))</h1>
            <p>\(visit.t("\(event.registered) inscrit·es sur \(event.capacity) places, \(event.waiting) en liste d'attente.", "\(event.registered) registered for \(event.capacity) seats, \(event.waiting) waiting."))</p>
            <form method="get" action="\(EventsPaths.registrations.link(slug, event.id))" class="filters" role="search">\
            \(Form.input(name: "nom", label: visit.t("Chercher un nom", "Search a name"), value: search, errors: FormErrors(), visit: visit, type: "search"))\
            <button type="submit" class="button secondary">\(visit.t("Chercher", "Search"))</button></form>
            \(View.table(caption: visit.t("Inscrit·es", "Registered"), headers: headers, rows: registered.map(line)))
            \(waiting.isEmpty ? HTML.empty : View.table(caption: visit.t("Liste d'attente, dans l'ordre", "Waiting list, in order"), headers: headers, rows: waiting.map(line)))
            <section aria-labelledby="sur-place"><h2 id="sur-place">\(visit.t("Ajouter une personne venue sans inscription", "Add someone who came without registering"))</h2>
            \(Form.errorSummary(errors, visit: visit))\
            \(Form.open(action: EventsPaths.walkIn.link(slug, event.id), visit: visit))\
            \(Form.input(name: "name", label: visit.t("Nom", "Name"), value: fields["name"], errors: errors, visit: visit, required: true, maxLength: 120))\
            \(Form.select(name: "commune", label: visit.t("Commune", "Municipality"), options: context.territory.communes.map { Form.Option($0.code, $0.name) },
                      selected: fields["commune"], errors: errors, visit: visit, placeholder: visit.t("— Ne pas préciser —", "— Not given —")))\
            \(Form.submit(visit.t("Ajouter et accueillir", "Add and check in"), secondary: true))</form></section>
            <p><a href="\(EventsPaths.sheet.link(slug, event.id))">\(visit.t("Feuille d'émargement à imprimer", "Attendance sheet to print"))</a></p>
            """
        return WebPage(
            title: visit.t("Inscrit·es", "Registrants"), main: main, status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func sheet(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let rows = try await EventStore.registrations(eventID: context.event.id, on: req.db).filter {
            $0.status == "registered"
        }
        let table = View.table(
            caption: visit.t("Émargement", "Attendance"),
            headers: [visit.t("Nom", "Name"), visit.t("Commune", "Municipality"), visit.t("Signature", "Signature")],
            rows: rows.map {
                ["\($0.name)", "\($0.commune_code.flatMap { context.territory.commune(code: $0)?.name } ?? "")", ""]
            })
        let main: HTML = """
            <div class="attendance-sheet"><h1>\(context.event.title)</h1>
            <p>\(EventsPages.when(context.event, lang: visit.lang)) · \(EventsPages.place(context.event, territory: context.territory))</p>
            \(table)
            <p class="no-print"><a href="\(EventsPaths.registrations.link(context.territory.slug, context.event.id))">\(visit.t("← Inscrit·es et accueil", "← Registrants and check-in"))</a></p></div>
            """
        return req.render(WebPage(title: visit.t("Feuille d'émargement", "Attendance sheet"), main: main))
    }

    @Sendable static func walkIn(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let fields = req.formFields()
        var errors = FormErrors()
        let name = TextRule.required(
            fields, "name", maxLength: 120, errors: &errors, lang: visit.lang,
            missing: Text("Indiquez le nom de la personne.", "Give the person's name."))
        guard errors.isEmpty else {
            return req.render(
                try await listPage(req, context: context, fields: fields, errors: errors, status: .unprocessableEntity))
        }
        var who = EventStore.Registrant(
            personID: nil, name: name, email: nil, phone: nil, needs: nil,
            communeCode: fields["commune"].flatMap { context.territory.commune(code: $0)?.code },
            audience: Role.resident.rawValue, by: visit.viewer?.personID)
        who.walkIn = true
        who.checkedIn = true
        let walkIn = who
        try await req.db.transaction { db in
            let row = try await EventStore.register(eventID: context.event.id, walkIn, on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: context.territory.id, action: "event.walk-in",
                subject: "registration \(row?.id ?? 0)", on: db)
        }
        req.eventsChanged()
        return req.redirect(
            to: EventsPaths.registrations.link(context.territory.slug, context.event.id),
            flash: Flash(.success, visit.t("\(name) est ajouté·e et accueilli·e.", "\(name) is added and checked in.")))
    }
}
