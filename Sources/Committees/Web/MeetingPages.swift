import Core
import Fluent
import SQLKit
import Vapor

/// Meetings: planning (members get the invitation and its .ics), attendance and the quorum,
/// votes per college, decisions, minutes approved at the next meeting.
enum MeetingPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.meetings, access: CommitteePages.staff, use: create)
        router.get(CommitteesPaths.meeting, access: .everyone) { req in
            let committee = try await CommitteeStore.committee(req)
            let meeting = try await CommitteeStore.meeting(req, of: committee)
            return req.render(
                try await page(req, committee: committee, meeting: meeting, fields: [:], errors: FormErrors()))
        }
        router.get(CommitteesPaths.invitation, access: .everyone, use: invitation)
        router.post(CommitteesPaths.attendance, access: CommitteePages.staff, use: attendance)
        router.post(CommitteesPaths.openVote, access: CommitteePages.staff, use: openVote)
        router.post(CommitteesPaths.vote, access: CommitteePages.members, use: vote)
        router.post(CommitteesPaths.decide, access: CommitteePages.staff, use: decide)
        router.post(CommitteesPaths.minutes, access: CommitteePages.staff, use: minutes)
        router.post(CommitteesPaths.approve, access: CommitteePages.staff, use: approve)
    }

    static func newMeetingForm(
        visit: Visit, committee: Committee, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        return """
            <h2 id="nouvelle-seance">\(visit.t("Planifier une séance", "Plan a meeting"))</h2>
            <p>\(visit.t("Les membres reçoivent l'invitation par e-mail, avec un fichier d'agenda (.ics).", "Members receive the invitation by e-mail, with a calendar file (.ics)."))</p>
            \(Form.open(action: CommitteesPaths.meetings.link(territory.slug, committee.id!), visit: visit))
            \(Form.input(name: "day", label: visit.t("Jour", "Day"), value: fields["day"], errors: errors, visit: visit, type: "date", required: true))
            \(Form.input(name: "start", label: visit.t("Heure de début", "Start time"), value: fields["start"] ?? "18:30", errors: errors, visit: visit, type: "time", required: true))
            \(Form.input(name: "end", label: visit.t("Heure de fin", "End time"), value: fields["end"] ?? "20:30", errors: errors, visit: visit, type: "time", required: true))
            \(Form.input(name: "place", label: visit.t("Lieu (adresse et salle)", "Place (address and room)"), value: fields["place"], errors: errors, visit: visit, maxLength: 300))
            \(Form.input(name: "link", label: visit.t("Lien de visioconférence (facultatif)", "Video link (optional)"), value: fields["link"], errors: errors, visit: visit, type: "url", maxLength: 500))
            \(Form.textarea(name: "agenda", label: visit.t("Ordre du jour : un point par ligne", "Agenda: one item per line"), value: fields["agenda"], errors: errors, visit: visit, required: true, rows: 5))
            \(Form.submit(visit.t("Planifier et inviter les membres", "Plan and invite the members")))
            </form>
            """
    }

    static func icsEvent(_ req: Request, committee: Committee, meeting: Meeting) throws -> ICS.Event {
        let territory = try req.visit.territoryHere()
        let link = req.agora.config.baseURL + CommitteesPaths.meeting.link(territory.slug, committee.id!, meeting.id!)
        return ICS.Event(
            uid: "seance-\(meeting.id!)@agora-sante", start: meeting.startsAt, end: meeting.endsAt,
            summary: "Séance – " + committee.name,
            description: [meeting.onlineLink.map { "Visioconférence : \($0)" }, "Ordre du jour et documents : \(link)"]
                .compactMap { $0 }.joined(separator: "\n"),
            location: meeting.place ?? meeting.onlineLink, url: link)
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let committee = try await CommitteeStore.committee(req)
        let fields = req.formFields()
        let input: MeetingInput
        switch MeetingInput.validate(fields: fields, lang: visit.lang) {
        case .failure(let box):
            return req.render(
                try await CommitteePages.managePage(
                    req, committee: committee, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let value): input = value
        }
        let meeting = Meeting()
        meeting.committeeID = committee.id!
        meeting.startsAt = input.startsAt
        meeting.endsAt = input.endsAt
        meeting.place = input.place
        meeting.onlineLink = input.link
        meeting.createdAt = Date()
        let today = Day.today()
        let seats = try await CommitteeStore.seats(of: committee.id!, on: req.db).filter { $0.active(today: today) }
        try await req.db.transaction { db in
            try await meeting.create(on: db)
            for (index, title) in input.agenda.enumerated() {
                let item = AgendaItem()
                item.meetingID = meeting.id!
                item.position = index + 1
                item.title = title
                item.voteOpen = false
                try await item.create(on: db)
            }
            struct Address: Decodable { let email: String; let display_name: String }
            let people = seats.map(\.person_id)
            let addresses =
                people.isEmpty
                ? []
                : try await db.sql.raw(
                    "SELECT email, display_name FROM people WHERE email IS NOT NULL AND id IN (\(binds: people))"
                ).all(decoding: Address.self)
            let link =
                req.agora.config.baseURL + CommitteesPaths.meeting.link(territory.slug, committee.id!, meeting.id!)
            let ics =
                req.agora.config.baseURL + CommitteesPaths.invitation.link(territory.slug, committee.id!, meeting.id!)
            for person in addresses {
                try await Mailer.enqueue(
                    to: person.email,
                    subject: "Invitation : séance du \(DateText.day(input.startsAt, lang: .fr)) – \(committee.name)",
                    body: """
                        Bonjour \(person.display_name),

                        Vous êtes invité·e à la séance de « \(committee.name) » le \(DateText.day(input.startsAt, lang: .fr)) de \(ClockTime.text(input.startsAt)) à \(ClockTime.text(input.endsAt)).
                        \(input.place.map { "Lieu : \($0)\n" } ?? "")\(input.link.map { "Visioconférence : \($0)\n" } ?? "")
                        Ordre du jour :
                        \(input.agenda.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n"))

                        Si vous ne pouvez pas venir, prévenez la coordination et, si vous en avez un·e, votre suppléant·e.
                        La séance : \(link)
                        À ajouter à votre agenda : \(ics)

                        —
                        You are invited to the meeting of “\(committee.name)”. Details and the calendar file at the links above.
                        """, on: db)
            }
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id, action: "committee.meeting.planned",
                subject: "committee \(committee.id!) meeting \(meeting.id!), \(addresses.count) invitations", on: db)
        }
        return req.redirect(
            to: CommitteesPaths.meeting.link(territory.slug, committee.id!, meeting.id!),
            flash: Flash(
                .success,
                visit.t("Séance planifiée ; les membres sont invités.", "Meeting planned; the members are invited.")))
    }

    @Sendable static func invitation(_ req: Request) async throws -> Response {
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let body = ICS.calendar([try icsEvent(req, committee: committee, meeting: meeting)], name: committee.name)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"seance-\(meeting.id!).ics\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    // MARK: - The meeting page

    struct State {
        let seats: [Seat]
        let items: [AgendaItem]
        let attendance: [Int: AttendanceStatus]
        let votes: [Int: [(member: Int, college: College, choice: VoteChoice)]]
        let previous: Meeting?
        let today: String

        /// Titular voting members in office on the day of the meeting.
        var voting: [Seat] { seats.filter { $0.votes && $0.active(today: today) } }
        /// Present or represented voting members; a substitute present for an absent titular counts for them.
        var counted: Int {
            var count = voting.filter { attendance[$0.id]?.counts == true }.count
            for substitute in seats
            where substitute.substitute_of_id != nil && attendance[substitute.id]?.counts == true {
                if let titular = substitute.substitute_of_id, attendance[titular]?.counts != true,
                    voting.contains(where: { $0.id == titular })
                {
                    count += 1
                }
            }
            return count
        }
        func quorum(_ committee: Committee) -> Int {
            Quorum.required(votingMembers: voting.count, percent: committee.quorumPercent)
        }
        func quorumMet(_ committee: Committee) -> Bool { counted >= quorum(committee) }

        /// The seat a person votes with in this meeting: a titular present or represented, or a
        /// substitute present in place of an absent titular (voting in the titular's college).
        func votingSeat(person: Int) -> Seat? {
            let mine = seats.filter { $0.person_id == person && $0.active(today: today) }
            if let titular = mine.first(where: { $0.votes && attendance[$0.id]?.counts == true }) { return titular }
            return mine.first { seat in
                guard let titular = seat.substitute_of_id, attendance[seat.id]?.counts == true else { return false }
                return attendance[titular]?.counts != true
            }
        }
    }

    static func state(of meeting: Meeting, committee: Committee, on db: any Database) async throws -> State {
        let id = meeting.id!
        let sql = db.sql
        let seats = try await CommitteeStore.seats(of: committee.id!, on: db)
        let items = try await AgendaItem.query(on: db).filter(\.$meetingID == id).sort(\.$position).all()
        struct Presence: Decodable { let member_id: Int; let status: String }
        let presences = try await sql.raw(
            "SELECT member_id, status FROM committee_attendance WHERE meeting_id = \(bind: id)"
        ).all(decoding: Presence.self)
        var attendance: [Int: AttendanceStatus] = [:]
        for row in presences { attendance[row.member_id] = AttendanceStatus(rawValue: row.status) }
        struct VoteRow: Decodable { let item_id: Int; let member_id: Int?; let college: String; let choice: String }
        let itemIDs = items.compactMap(\.id)
        let voteRows =
            itemIDs.isEmpty
            ? []
            : try await sql.raw(
                "SELECT item_id, member_id, college, choice FROM committee_votes WHERE item_id IN (\(binds: itemIDs))"
            ).all(decoding: VoteRow.self)
        var votes: [Int: [(member: Int, college: College, choice: VoteChoice)]] = [:]
        for row in voteRows {
            guard let college = College(rawValue: row.college), let choice = VoteChoice(rawValue: row.choice) else {
                continue
            }
            votes[row.item_id, default: []].append((row.member_id ?? 0, college, choice))
        }
        let previous = try await Meeting.query(on: db).filter(\.$committeeID == committee.id!).filter(
            \.$startsAt < meeting.startsAt
        )
        .sort(\.$startsAt, .descending).first()
        return State(
            seats: seats, items: items, attendance: attendance, votes: votes, previous: previous,
            today: Day.today(meeting.startsAt))
    }

    static func tallyTable(_ tally: VoteTally, visit: Visit, caption: String) -> HTML {
        func row(_ label: String, _ count: VoteTally.Count) -> [HTML] {
            ["\(label)", "\(count.yes)", "\(count.no)", "\(count.abstain)"]
        }
        let rows =
            College.allCases.map { row(visit.t($0.short), tally.byCollege[$0] ?? .init()) } + [
                row(visit.t("Total", "Total"), tally.total)
            ]
        return View.table(
            caption: caption,
            headers: [
                visit.t("Collège", "College"), visit.t("Pour", "For"), visit.t("Contre", "Against"),
                visit.t("Abstention", "Abstention"),
            ],
            rows: rows, numericColumns: [1, 2, 3])
    }

    static func page(
        _ req: Request, committee: Committee, meeting: Meeting, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let cid = committee.id!, mid = meeting.id!
        let state = try await state(of: meeting, committee: committee, on: req.db)
        let runs = CommitteesPolicy.runs(visit.rolesHere)
        // Reading the draft minutes is for today's members; voting, for the members of the meeting's day.
        let seatOfViewer = visit.viewer.flatMap { viewer in
            state.seats.first { $0.person_id == viewer.personID && $0.active(today: Day.today()) }
        }
        let votingSeat = visit.viewer.flatMap { state.votingSeat(person: $0.personID) }
        let isMember = seatOfViewer != nil || runs
        let quorumMet = state.quorumMet(committee)

        let items = state.items.map { item -> HTML in
            let votes = state.votes[item.id!] ?? []
            let tally = VoteTally(votes.map { ($0.college, $0.choice) })
            var parts: [HTML] = []
            if let mode = item.decisionMode, let text = item.decisionText {
                let result: String =
                    mode == "consensus"
                    ? visit.t("Adopté par consensus", "Adopted by consensus")
                    : item.adopted == true
                        ? visit.t("Adopté par vote", "Adopted by vote") : visit.t("Rejeté au vote", "Rejected by vote")
                parts.append(
                    "<p><strong>\(result)\(item.quorumMet == false ? " " + visit.t("(vote sans quorum)", "(vote without quorum)") : "")</strong></p><p>\(text)</p>"
                )
                if mode == "vote" {
                    parts.append(
                        tallyTable(tally, visit: visit, caption: visit.t("Votes sur : ", "Votes on: ") + item.title))
                }
                let links = TerritoryLinks.shown(item.links, territory: territory.slug)
                if !links.isEmpty {
                    parts.append(
                        "<p>\(visit.t("En lien avec : ", "Linked to: "))\(HTML.join(links.map { "<a href=\"\($0)\">\($0)</a>" as HTML }, separator: ", "))</p>"
                    )
                }
            } else if item.voteOpen {
                parts.append(
                    "<p><strong>\(visit.t("Vote en cours", "Vote open"))</strong>\(item.quorumMet == false ? " " + visit.t("(sans quorum)", "(without quorum)") : "") · \(visit.t("\(tally.total.total) vote(s) exprimé(s)", "\(tally.total.total) vote(s)"))</p>"
                )
                if let seat = votingSeat {
                    if votes.contains(where: { $0.member == seat.id }) {
                        parts.append("<p>\(visit.t("Vous avez voté.", "You have voted."))</p>")
                    } else {
                        parts.append(
                            """
                            \(Form.open(action: CommitteesPaths.vote.link(territory.slug, cid, mid, item.id!), visit: visit))\
                            \(Form.radios(name: "choice-\(item.id!)", legend: visit.t("Votre vote sur : ", "Your vote on: ") + item.title,
                                      options: VoteChoice.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) }, selected: nil, errors: errors, visit: visit, required: true))\
                            \(Form.submit(visit.t("Voter", "Vote")))</form>
                            """)
                    }
                }
            }
            if runs, item.decisionMode == nil {
                if !item.voteOpen {
                    parts.append(
                        """
                        \(Form.open(action: CommitteesPaths.openVote.link(territory.slug, cid, mid, item.id!), visit: visit, cssClass: "inline-form"))\
                        <button type="submit" class="button secondary">\(visit.t("Ouvrir le vote", "Open the vote"))<span class="visually-hidden"> : \(item.title)</span></button></form>
                        """)
                }
                let key = "decision-\(item.id!)"
                parts.append(
                    """
                    <details\(errors[key] == nil ? "" : " open")><summary>\(visit.t("Enregistrer la décision", "Record the decision"))<span class="visually-hidden"> : \(item.title)</span></summary>\
                    \(Form.open(action: CommitteesPaths.decide.link(territory.slug, cid, mid, item.id!), visit: visit))\
                    \(Form.radios(name: "mode", legend: visit.t("Mode de décision", "How it was decided"),
                              options: [Form.Option("consensus", visit.t("Par consensus", "By consensus"))] + (item.voteOpen ? [Form.Option("vote", visit.t("Clore le vote et en publier le résultat", "Close the vote and publish the result"))] : []),
                              selected: item.voteOpen ? "vote" : "consensus", errors: errors, visit: visit, field: "mode-\(item.id!)"))\
                    \(Form.textarea(name: "text", label: visit.t("Texte adopté ou soumis au vote", "Text adopted or put to the vote"), value: errors[key] == nil ? nil : fields["text"],
                                errors: errors, visit: visit, rows: 3, maxLength: 3000, field: key))\
                    \(Form.textarea(name: "links", label: visit.t("Propositions, résultats ou actions liés (facultatif) : une adresse par ligne", "Linked proposals, results or actions (optional): one address per line"),
                                value: errors[key] == nil ? nil : fields["links"], errors: errors, visit: visit, hint: "/\(territory.slug)/propositions/12", rows: 2, maxLength: 2000, field: "liens-\(item.id!)"))\
                    \(Form.submit(visit.t("Enregistrer la décision", "Record the decision")))</form></details>
                    """)
            }
            return "<li id=\"point-\(item.id!)\"><h3>\(item.position). \(item.title)</h3>\(each: parts)</li>"
        }

        let attendanceRows = state.seats.filter { $0.active(today: state.today) }.map { seat -> [HTML] in
            [
                "\(isMember ? seat.display_name : seat.publicName(visit))", "\(visit.t(seat.collegeValue.short))",
                "\(state.attendance[seat.id].map { visit.t($0.label) } ?? "—")",
            ]
        }
        let attendanceForm: HTML =
            runs
            ? """
            <details><summary>\(visit.t("Noter les présences", "Record attendance"))</summary>
            \(Form.open(action: CommitteesPaths.attendance.link(territory.slug, cid, mid), visit: visit))
            \(HTML.join(state.seats.filter { $0.active(today: state.today) }.map { seat in
                Form.select(name: "presence-\(seat.id)", label: seat.display_name + " (" + visit.t(seat.collegeValue.short) + ")",
                            options: [Form.Option("", "—")] + AttendanceStatus.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                            selected: state.attendance[seat.id]?.rawValue, errors: errors, visit: visit)
            }))
            \(Form.submit(visit.t("Enregistrer les présences", "Save attendance")))
            </form></details>
            """ : .empty

        var minutesBlock: HTML
        if let text = meeting.minutes, meeting.minutesApprovedAt != nil {
            minutesBlock =
                "<p class=\"meta\">\(visit.t("Approuvé le ", "Approved on "))\(DateText.day(meeting.minutesApprovedAt!, lang: visit.lang))</p><div class=\"proposal-body\">\(View.paragraphs(text))</div>"
        } else if let text = meeting.minutes, isMember {
            minutesBlock =
                "<p class=\"meta\">\(visit.t("Projet, visible des seuls membres, à approuver à la séance suivante.", "Draft, visible to members only, to be approved at the next meeting."))</p><div class=\"proposal-body\">\(View.paragraphs(text))</div>"
        } else {
            minutesBlock =
                "<p>\(visit.t("Le compte rendu sera publié une fois approuvé à la séance suivante.", "The minutes will be published once approved at the next meeting."))</p>"
        }
        if runs, meeting.minutesApprovedAt == nil {
            minutesBlock.append(
                """
                \(Form.open(action: CommitteesPaths.minutes.link(territory.slug, cid, mid), visit: visit))
                \(Form.textarea(name: "minutes", label: visit.t("Compte rendu", "Minutes"), value: fields["minutes"] ?? meeting.minutes, errors: errors, visit: visit, rows: 8, maxLength: 20000))
                \(Form.submit(visit.t("Enregistrer le compte rendu", "Save the minutes")))
                </form>
                """)
        }
        var approval: HTML = .empty
        if runs, let previous = state.previous, previous.minutesApprovedAt == nil,
            (previous.minutes ?? "").isEmpty == false
        {
            approval = """
                <h2>\(visit.t("Compte rendu de la séance précédente", "Minutes of the previous meeting"))</h2>
                <p>\(visit.t("Séance du ", "Meeting of "))<a href="\(CommitteesPaths.meeting.link(territory.slug, cid, previous.id!))">\(DateText.day(previous.startsAt, lang: visit.lang))</a></p>
                \(Form.open(action: CommitteesPaths.approve.link(territory.slug, cid, mid), visit: visit))\
                \(Form.submit(visit.t("Approuver le compte rendu de la séance précédente", "Approve the minutes of the previous meeting")))</form>
                """
        }

        let documents: HTML =
            isMember
            ? "<h2>\(visit.t("Documents de la séance (réservés aux membres)", "Meeting documents (members only)"))</h2>\(try DocumentPages.links(try await DocumentPages.list(committeeID: cid, meetingID: mid, on: req.db), visit: visit, committeeID: cid))"
            : .empty
        let ended = meeting.endsAt < Date()
        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, cid))">← \(committee.name)</a></p>
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(visit.t("Séance du ", "Meeting of "))\(DateText.day(meeting.startsAt, lang: visit.lang))</h1>
            <p class="meta">\(ClockTime.text(meeting.startsAt)) – \(ClockTime.text(meeting.endsAt))\(meeting.place.map { " · " + $0 } ?? "")\(ended ? " · " + visit.t("séance passée", "past meeting") : "")</p>
            \(meeting.onlineLink.map { "<p>\(visit.t("Visioconférence : ", "Video: "))<a href=\"\($0)\" rel=\"noopener\">\($0)</a></p>" as HTML } ?? .empty)
            <p><a href="\(CommitteesPaths.invitation.link(territory.slug, cid, mid))">\(visit.t("Ajouter à mon agenda (.ics)", "Add to my calendar (.ics)"))</a></p>
            <h2>\(visit.t("Présences et quorum", "Attendance and quorum"))</h2>
            <p class="quorum \(quorumMet ? "met" : "missing")"><strong>\(visit.t("Présents ou représentés : \(state.counted) sur \(state.voting.count) membres votants ; quorum : \(state.quorum(committee)).", "Present or represented: \(state.counted) of \(state.voting.count) voting members; quorum: \(state.quorum(committee)).")) \
            \(quorumMet ? visit.t("Le quorum est atteint.", "The quorum is met.") : visit.t("Le quorum n'est pas atteint.", "The quorum is not met."))</strong></p>
            \(attendanceRows.isEmpty ? HTML.empty : View.table(caption: visit.t("Présences", "Attendance"), headers: [visit.t("Membre", "Member"), visit.t("Collège", "College"), visit.t("Présence", "Attendance")], rows: attendanceRows))
            \(attendanceForm)
            <h2>\(visit.t("Ordre du jour et décisions", "Agenda and decisions"))</h2>
            <ol class="agenda">\(each: items)</ol>
            \(documents)
            <h2>\(visit.t("Compte rendu", "Minutes"))</h2>
            \(minutesBlock)
            \(approval)
            """
        return WebPage(
            title: visit.t("Séance du ", "Meeting of ") + DateText.day(meeting.startsAt, lang: visit.lang) + " · "
                + committee.name,
            main: main, status: status, hasErrors: !errors.isEmpty)
    }

    // MARK: - Writes

    static func rejected(
        _ req: Request, _ committee: Committee, _ meeting: Meeting, _ fields: [String: String], _ errors: FormErrors,
        status: HTTPStatus = .unprocessableEntity
    ) async throws -> Response {
        req.render(
            try await page(req, committee: committee, meeting: meeting, fields: fields, errors: errors, status: status))
    }

    static func item(_ req: Request, of meeting: Meeting) async throws -> AgendaItem {
        guard let id = PathID.parse(req.parameters.get("item")), let item = try await AgendaItem.find(id, on: req.db),
            item.meetingID == meeting.id
        else { throw Abort(.notFound) }
        return item
    }

    static func back(
        _ req: Request, _ committee: Committee, _ meeting: Meeting, anchor: String = "", _ message: String
    ) throws -> Response {
        req.redirect(
            to: CommitteesPaths.meeting.link((try req.visit.territoryHere()).slug, committee.id!, meeting.id!) + anchor,
            flash: Flash(.success, message))
    }

    @Sendable static func attendance(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let fields = req.formFields()
        let seats = try await CommitteeStore.seats(of: committee.id!, on: req.db).filter {
            $0.active(today: Day.today(meeting.startsAt))
        }
        var chosen: [(Int, AttendanceStatus)] = []
        var errors = FormErrors()
        for seat in seats {
            let raw = fields["presence-\(seat.id)"] ?? ""
            guard !raw.isEmpty else { continue }
            guard let status = AttendanceStatus(rawValue: raw) else {
                errors.add(
                    "presence-\(seat.id)", visit.t("Choisissez une présence dans la liste.", "Choose from the list."))
                continue
            }
            chosen.append((seat.id, status))
        }
        guard errors.isEmpty else { return try await rejected(req, committee, meeting, fields, errors) }
        let mid = meeting.id!
        let rows = chosen
        try await req.db.transaction { db in
            let sql = db.sql
            try await sql.raw("DELETE FROM committee_attendance WHERE meeting_id = \(bind: mid)").run()
            for (member, status) in rows {
                try await sql.raw(
                    "INSERT INTO committee_attendance (meeting_id, member_id, status) VALUES (\(bind: mid), \(bind: member), \(bind: status.rawValue))"
                ).run()
            }
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: (try visit.territoryHere()).id,
                action: "committee.attendance",
                subject: "meeting \(mid): \(rows.count) recorded", on: db)
        }
        return try back(req, committee, meeting, visit.t("Présences enregistrées.", "Attendance saved."))
    }

    @Sendable static func openVote(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let item = try await item(req, of: meeting)
        let state = try await state(of: meeting, committee: committee, on: req.db)
        var errors = FormErrors()
        let key = "decision-\(item.id!)"
        if item.decisionMode != nil {
            errors.add(key, visit.t("Ce point est déjà décidé.", "This item is already decided."))
        }
        let met = state.quorumMet(committee)
        if !met, !committee.voteWithoutQuorum {
            errors.add(
                key,
                visit.t(
                    "Le quorum n'est pas atteint et les règles de l'instance ne permettent pas de voter sans lui.",
                    "The quorum is not met and the committee's rules do not allow a vote without it."))
        }
        guard errors.isEmpty else { return try await rejected(req, committee, meeting, [:], errors) }
        item.voteOpen = true
        item.quorumMet = met
        try await req.db.transaction { db in
            try await item.update(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: (try visit.territoryHere()).id,
                action: "committee.vote.opened",
                subject: "item \(item.id!)\(met ? "" : " without quorum")", on: db)
        }
        return try back(
            req, committee, meeting, anchor: "#point-\(item.id!)",
            met
                ? visit.t("Le vote est ouvert.", "The vote is open.")
                : visit.t(
                    "Le vote est ouvert, sans quorum : il sera signalé.",
                    "The vote is open, without quorum: it will be marked."))
    }

    @Sendable static func vote(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let item = try await item(req, of: meeting)
        let fields = req.formFields()
        let state = try await state(of: meeting, committee: committee, on: req.db)
        let field = "choice-\(item.id!)"
        var errors = FormErrors()
        guard let seat = state.votingSeat(person: (try visit.signedInViewer()).personID) else {
            errors.add(
                field,
                visit.t(
                    "Seuls les membres votants présents ou représentés à cette séance votent.",
                    "Only voting members present or represented at this meeting vote."))
            return try await rejected(req, committee, meeting, fields, errors, status: .forbidden)
        }
        guard item.voteOpen, item.decisionMode == nil else {
            errors.add(field, visit.t("Le vote sur ce point n'est pas ouvert.", "The vote on this item is not open."))
            return try await rejected(req, committee, meeting, fields, errors, status: .conflict)
        }
        guard let choice = VoteChoice(rawValue: fields[field] ?? "") else {
            errors.add(field, visit.t("Choisissez pour, contre ou abstention.", "Choose for, against or abstention."))
            return try await rejected(req, committee, meeting, fields, errors)
        }
        let itemID = item.id!
        // The unique (item, member) index refuses a second vote, even sent twice at once.
        let counted = try await req.db.transaction { db -> Bool in
            let rows = try await db.sql.raw(
                """
                INSERT INTO committee_votes (item_id, member_id, college, choice, created_at)
                VALUES (\(bind: itemID), \(bind: seat.id), \(bind: seat.collegeValue.rawValue), \(bind: choice.rawValue), \(bind: Date()))
                ON CONFLICT (item_id, member_id) DO NOTHING RETURNING member_id
                """
            ).all()
            return !rows.isEmpty
        }
        guard counted else {
            errors.add(field, visit.t("Vous avez déjà voté sur ce point.", "You have already voted on this item."))
            return try await rejected(req, committee, meeting, fields, errors, status: .conflict)
        }
        return try back(
            req, committee, meeting, anchor: "#point-\(itemID)",
            visit.t("Votre vote est enregistré.", "Your vote is recorded."))
    }

    @Sendable static func decide(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let item = try await item(req, of: meeting)
        let fields = req.formFields()
        let key = "decision-\(item.id!)"
        var errors = FormErrors()
        var local = FormErrors()
        let text = TextRule.required(
            fields, "text", maxLength: 3000, errors: &local, lang: visit.lang,
            missing: Text("Écrivez le texte adopté ou soumis au vote.", "Write the text adopted or put to the vote."))
        if let message = local["text"] { errors.add(key, message) }
        let mode = fields["mode"] ?? ""
        if item.decisionMode != nil {
            errors.add(key, visit.t("Ce point est déjà décidé.", "This item is already decided."))
        }
        if mode == "vote", !item.voteOpen {
            errors.add(key, visit.t("Aucun vote n'est ouvert sur ce point.", "No vote is open on this item."))
        }
        if mode != "vote", mode != "consensus" {
            errors.add(key, visit.t("Choisissez le mode de décision.", "Choose how it was decided."))
        }
        let parsed = TerritoryLinks.parse(fields["links"] ?? "", territory: territory.slug)
        let links = parsed ?? []
        if parsed == nil {
            errors.add(
                key,
                visit.t(
                    "Les liens sont des adresses de ce territoire, par exemple /\(territory.slug)/propositions/12.",
                    "Links are addresses in this territory, e.g. /\(territory.slug)/propositions/12."))
        }
        guard errors.isEmpty else { return try await rejected(req, committee, meeting, fields, errors) }
        let votes = try await req.db.sql.raw(
            "SELECT college, choice FROM committee_votes WHERE item_id = \(bind: item.id!)"
        ).all()
            .compactMap { row -> (College, VoteChoice)? in
                guard let c = College(rawValue: (try? row.decode(column: "college", as: String.self)) ?? ""),
                    let v = VoteChoice(rawValue: (try? row.decode(column: "choice", as: String.self)) ?? "")
                else { return nil }
                return (c, v)
            }
        item.decisionMode = mode
        item.decisionText = text
        item.adopted = mode == "consensus" ? true : VoteTally(votes).adopted(under: committee.rule)
        item.voteOpen = false
        item.links = links.isEmpty ? nil : links.joined(separator: "\n")
        item.decidedAt = Date()
        try await req.db.transaction { db in
            try await item.update(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id, action: "committee.decision",
                subject: "item \(item.id!) \(mode) adopted=\(item.adopted!)", on: db)
        }
        return try back(
            req, committee, meeting, anchor: "#point-\(item.id!)",
            visit.t("Décision enregistrée.", "Decision recorded."))
    }

    @Sendable static func minutes(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let fields = req.formFields()
        var errors = FormErrors()
        let text = TextRule.required(
            fields, "minutes", maxLength: 20000, errors: &errors, lang: visit.lang,
            missing: Text("Écrivez le compte rendu.", "Write the minutes."))
        if meeting.minutesApprovedAt != nil {
            errors.add(
                "minutes",
                visit.t(
                    "Ce compte rendu est approuvé : il ne peut plus être modifié.",
                    "These minutes are approved: they can no longer be changed."))
            return try await rejected(req, committee, meeting, fields, errors, status: .conflict)
        }
        guard errors.isEmpty else { return try await rejected(req, committee, meeting, fields, errors) }
        meeting.minutes = text
        try await req.db.transaction { db in
            try await meeting.update(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: (try visit.territoryHere()).id,
                action: "committee.minutes.written",
                subject: "meeting \(meeting.id!)", on: db)
        }
        return try back(
            req, committee, meeting,
            visit.t(
                "Compte rendu enregistré ; il sera publié une fois approuvé.",
                "Minutes saved; they will be published once approved."))
    }

    @Sendable static func approve(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let meeting = try await CommitteeStore.meeting(req, of: committee)
        let state = try await state(of: meeting, committee: committee, on: req.db)
        var errors = FormErrors()
        guard let previous = state.previous, previous.minutesApprovedAt == nil,
            (previous.minutes ?? "").isEmpty == false
        else {
            errors.add(
                "minutes",
                visit.t(
                    "Il n'y a pas de compte rendu de la séance précédente à approuver.",
                    "There are no minutes of the previous meeting to approve."))
            return try await rejected(req, committee, meeting, [:], errors, status: .conflict)
        }
        previous.minutesApprovedAt = Date()
        previous.minutesApprovedIn = meeting.id
        try await req.db.transaction { db in
            try await previous.update(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: (try visit.territoryHere()).id,
                action: "committee.minutes.approved",
                subject: "meeting \(previous.id!) approved in meeting \(meeting.id!)", on: db)
        }
        return try back(
            req, committee, meeting,
            visit.t(
                "Le compte rendu de la séance précédente est approuvé et publié.",
                "The previous meeting's minutes are approved and published."))
    }
}
