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
            let position =
                row.status == .waiting
                ? try await EventStore.waitingPosition(registrationID: row.id, eventID: row.event_id, on: req.db) : nil
            return req.render(minePage(req, context: context, row: row, waitingPosition: position))
        }
        router.post(EventsPaths.mine, access: .everyone) { req in
            let (context, row) = try await mine(req)
            switch try await CancelRegistration.run(
                row, event: context.event, territory: context.territory, env: req.useCases)
            {
            case .cancelled:
                req.eventsChanged()
                return req.redirect(
                    to: context.path,
                    flash: Flash(
                        .success,
                        req.visit.t(
                            "Votre inscription est annulée. Merci d'avoir laissé la place.",
                            "Your registration is cancelled. Thank you for freeing the seat.")))
            case .tooLate:
                return EventsPages.refusal(
                    req, status: .conflict, title: Text("Rencontre passée", "Past event"),
                    message: Text(
                        "Cette rencontre a eu lieu : l'inscription ne peut plus être annulée.",
                        "This event took place: the registration can no longer be cancelled."),
                    back: context.path)
            case .notFound:
                throw Abort(.notFound)
            }
        }
        router.get(EventsPaths.registrations, access: .territory(EventsPolicy.creators), use: list)
        router.get(EventsPaths.sheet, access: .territory(EventsPolicy.creators), use: sheet)
        router.get(EventsPaths.checkIn, access: .territory(EventsPolicy.creators)) { req in
            let (context, row) = try await checkInTarget(req, signed: true)
            let visit = req.visit
            let done = row.checked_in_at != nil
            let main: HTML = """
                <h1>\(visit.t("Accueil : \(row.name)", "Check-in: \(row.name)"))</h1>
                <p>\(context.event.title) · \(EventText.when(context.event, lang: visit.lang))</p>
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
            switch try await CheckIn.run(
                row, event: context.event, territory: context.territory, actor: Actor(try req.scope()),
                env: req.useCases)
            {
            case .checkedIn(let name):
                req.eventsChanged()
                return req.redirect(
                    to: EventsPaths.registrations.link(context.territory.slug, context.event.id),
                    flash: Flash(.success, req.visit.t("\(name) est accueilli·e.", "\(name) is checked in.")))
            case .forbidden: throw Abort(.forbidden)
            case .notFound: throw Abort(.notFound)
            }
        }
        router.post(EventsPaths.walkIn, access: .territory(EventsPolicy.creators), use: walkIn)
    }

    // MARK: - Registering

    @Sendable static func registerSelf(_ req: Request) async throws -> Response {
        let context = try await EventContext.load(req)
        let fields = req.formFields()
        let (form, errors) = RegistrationForm.parseMyself(fields, lang: req.visit.lang)
        return try await register(req, context: context, form: form, errors: errors, fields: fields, someoneElse: false)
    }

    @Sendable static func registerOther(_ req: Request) async throws -> Response {
        let context = try await EventContext.load(req)
        let fields = req.formFields()
        let (form, errors) = RegistrationForm.parseSomeoneElse(
            fields, territory: context.territory, lang: req.visit.lang)
        return try await register(req, context: context, form: form, errors: errors, fields: fields, someoneElse: true)
    }

    /// Runs `RegisterForEvent` and shows what became of it: the registration's page (oneself) or
    /// the event (someone else) with a message, or the event's page again with the reason next to
    /// the field and what was typed.
    static func register(
        _ req: Request, context: EventContext, form: RegistrationForm?, errors: FormErrors, fields: [String: String],
        someoneElse: Bool
    ) async throws -> Response {
        let visit = req.visit
        var errors = errors
        let field =
            form?.personField ?? (someoneElse ? (fields["assisted"].map { _ in "assisted" } ?? "name") : "needs")
        if let form {
            let outcome = try await RegisterForEvent.run(
                form, event: context.event, territory: context.territory, actor: Actor(try req.scope()),
                env: req.useCases)
            switch outcome {
            case .registered(let id), .waitingList(let id):
                req.eventsChanged()
                let waiting = if case .waitingList = outcome { true } else { false }
                let message = Self.message(waiting: waiting, someoneElse: someoneElse, visit: visit)
                guard someoneElse else {
                    let links = EventsPages.links(
                        req, slug: context.territory.slug, eventID: context.event.id, registrationID: id)
                    return req.redirect(to: links.minePath, flash: Flash(.success, message))
                }
                return req.redirect(to: context.path, flash: Flash(.success, message))
            case .duplicate:
                errors.add(
                    field,
                    someoneElse && form.person != .myself && field == "name"
                        ? visit.t(
                            "Cette personne (même nom, même numéro de téléphone) est déjà inscrite à cette rencontre.",
                            "This person (same name, same phone number) is already registered for this event.")
                        : visit.t(Seats.Refusal.alreadyRegistered.message))
            case .refused(let refusal): errors.add(field, visit.t(refusal.message))
            case .invalid(let invalid): for item in invalid.items { errors.add(item.field, item.message) }
            case .forbidden: throw Abort(.forbidden)
            case .notFound: throw Abort(.notFound)
            }
        }
        let page = EventPages.view(
            try await EventPageModel.load(req, context: context), visit: visit,
            registerFields: someoneElse ? [:] : fields, registerErrors: someoneElse ? FormErrors() : errors,
            otherFields: someoneElse ? fields : [:], otherErrors: someoneElse ? errors : FormErrors(),
            status: .unprocessableEntity)
        return req.render(page)
    }

    static func message(waiting: Bool, someoneElse: Bool, visit: Visit) -> String {
        switch (waiting, someoneElse) {
        case (true, true):
            visit.t(
                "C'est complet : la personne est sur la liste d'attente.",
                "It is full: the person is on the waiting list.")
        case (true, false):
            visit.t(
                "C'est complet : vous êtes sur la liste d'attente. Vous serez prévenu·e par e-mail si une place se libère.",
                "It is full: you are on the waiting list. You will be told by e-mail if a seat frees up.")
        case (false, true): visit.t("La personne est inscrite.", "The person is registered.")
        case (false, false):
            visit.t(
                "Vous êtes inscrit·e. Un e-mail de confirmation vous est envoyé.",
                "You are registered. A confirmation e-mail is on its way.")
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

    static func minePage(
        _ req: Request, context: EventContext, row: RegistrationRecord, waitingPosition: Int? = nil
    ) -> WebPage {
        let visit = req.visit
        let event = context.event
        let links = EventsPages.links(req, slug: context.territory.slug, eventID: event.id, registrationID: row.id)
        let qr =
            (try? QRCode.encode(links.checkIn))?.svg(
                label: visit.t("Code d'accueil de \(row.name)", "Check-in code of \(row.name)")) ?? ""
        let state =
            row.status == .waiting
            ? visit.t("Sur la liste d'attente", "On the waiting list") : visit.t("Inscrit·e", "Registered")
        let past = event.isPast(now: req.now)
        let main: HTML = """
            <h1>\(visit.t("Inscription de \(row.name)", "Registration of \(row.name)"))</h1>
            <dl class="facts"><dt>\(visit.t("Rencontre", "Event"))</dt><dd><a href="\(context.path)">\(event.title)</a></dd>\
            <dt>\(visit.t("Quand", "When"))</dt><dd>\(EventText.when(event, lang: visit.lang))</dd>\
            <dt>\(visit.t("État", "Status"))</dt><dd>\(state)</dd></dl>
            \(row.status == .waiting ? waitingNotice(visit, position: waitingPosition) : .empty)
            <p><a href="\(EventsPaths.ics.link(context.territory.slug, event.id))">\(visit.t("Ajouter à mon agenda (.ics)", "Add to my calendar (.ics)"))</a></p>
            \(row.status == .registered ? """
            <section aria-labelledby="code"><h2 id="code">\(visit.t("Votre code d'accueil", "Your check-in code"))</h2>\
            <p>\(visit.t("Montrez ce code à l'accueil le jour de la rencontre (sur votre téléphone ou imprimé). Vous pouvez aussi simplement donner votre nom.",
                         "Show this code at the door on the day (on your phone or printed). You can also just give your name."))</p>\
            <div class="qr">\(HTML(unsafeRaw: qr))</div></section>
            """ as HTML : .empty)
            \(past ? HTML.empty : """
            <section aria-labelledby="annuler"><h2 id="annuler">\(visit.t("Vous ne pouvez plus venir ?", "You cannot come any more?"))</h2>\
            <p>\(row.status == .waiting
                ? visit.t("Vous ne voulez plus attendre ? Retirez-vous de la liste d'attente.", "You no longer want to wait? Leave the waiting list.")
                : visit.t("Annulez pour laisser la place à une personne de la liste d'attente.", "Cancel to give the seat to someone on the waiting list."))</p>\
            \(Form.open(action: links.minePath, visit: visit))\(Form.submit(row.status == .waiting ? visit.t("Quitter la liste d'attente", "Leave the waiting list") : visit.t("Annuler mon inscription", "Cancel my registration"), secondary: true))</form></section>
            """)
            """
        return WebPage(title: visit.t("Mon inscription", "My registration"), main: main)
    }

    /// What the waiting list means, on the registration's page (the same words as its mail).
    static func waitingNotice(_ visit: Visit, position: Int?) -> HTML {
        let rank =
            position.map {
                visit.t(
                    "Vous êtes en \(FrenchText.ordinal($0)) position sur la liste d'attente. ",
                    "You are number \($0) on the waiting list. ")
            } ?? ""
        return """
            <p class="notice">\(rank)\(visit.t("Vous n'avez pas encore de place. Si une place se libère, les personnes de la liste sont inscrites dans l'ordre et reçoivent un e-mail qui confirme leur place.",
                "You have no seat yet. If a seat frees up, the people on the list are registered in order and get an e-mail confirming their seat."))</p>
            """
    }

    // MARK: - Organisers: registrants, attendance sheet, check-in, walk-ins

    static func checkInTarget(_ req: Request, signed: Bool) async throws -> (EventContext, RegistrationRecord) {
        let context = try await EventContext.managed(req)
        guard let id = PathID.parse(req.parameters.get("registration")),
            let row = try await EventStore.registration(id, on: req.db),
            row.event_id == context.event.id, row.status == .registered
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
        let registered = rows.filter { $0.status == .registered }
        let waiting = rows.filter { $0.status == .waiting }
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
                row.status == .registered ? arrived : "\(visit.t("En attente", "Waiting"))",
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
            $0.status == .registered
        }
        let table = View.table(
            caption: visit.t("Émargement", "Attendance"),
            headers: [visit.t("Nom", "Name"), visit.t("Commune", "Municipality"), visit.t("Signature", "Signature")],
            rows: rows.map {
                ["\($0.name)", "\($0.commune_code.flatMap { context.territory.commune(code: $0)?.name } ?? "")", ""]
            })
        let main: HTML = """
            <div class="attendance-sheet"><h1>\(context.event.title)</h1>
            <p>\(EventText.when(context.event, lang: visit.lang)) · \(EventText.place(context.event, territory: context.territory))</p>
            \(table)
            <p class="no-print"><a href="\(EventsPaths.registrations.link(context.territory.slug, context.event.id))">\(visit.t("← Inscrit·es et accueil", "← Registrants and check-in"))</a></p></div>
            """
        return req.render(WebPage(title: visit.t("Feuille d'émargement", "Attendance sheet"), main: main))
    }

    @Sendable static func walkIn(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let fields = req.formFields()
        let (form, errors) = WalkInForm.parse(fields, territory: context.territory, lang: visit.lang)
        guard let form else {
            return req.render(
                try await listPage(req, context: context, fields: fields, errors: errors, status: .unprocessableEntity))
        }
        switch try await AddWalkIn.run(
            form, event: context.event, territory: context.territory, actor: Actor(try req.scope()), env: req.useCases)
        {
        case .added(_, let name):
            req.eventsChanged()
            return req.redirect(
                to: EventsPaths.registrations.link(context.territory.slug, context.event.id),
                flash: Flash(
                    .success, visit.t("\(name) est ajouté·e et accueilli·e.", "\(name) is added and checked in.")))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }
}
