import Core
import Fluent
import SQLKit
import Vapor

/// Meetings: planning (members get the invitation and its .ics), attendance and the quorum,
/// votes per college, decisions, minutes approved at the next meeting.
enum MeetingPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.meetings, access: CommitteePages.staff, scoped: create)
        router.get(CommitteesPaths.meeting, access: .everyone) { req in
            let committee = try await CommitteeContext.committee(req)
            let meeting = try await CommitteeContext.meeting(req, of: committee)
            let model = try await load(
                committee: committee, meeting: meeting, visit: req.visit, now: req.now, on: req.db)
            return req.render(try view(model, visit: req.visit, fields: [:], errors: FormErrors()))
        }
        router.get(CommitteesPaths.invitation, access: .everyone, use: invitation)
        router.post(CommitteesPaths.attendance, access: CommitteePages.staff, scoped: attendance)
        router.post(CommitteesPaths.openVote, access: CommitteePages.staff, scoped: openVote)
        router.post(CommitteesPaths.vote, access: CommitteePages.members, member: vote)
        router.post(CommitteesPaths.decide, access: CommitteePages.staff, scoped: decide)
        router.post(CommitteesPaths.minutes, access: CommitteePages.staff, scoped: minutes)
        router.post(CommitteesPaths.approve, access: CommitteePages.staff, scoped: approve)
    }

    static func newMeetingForm(
        visit: Visit, committee: Committee, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        return """
            <h2 id="nouvelle-seance">\(visit.t("Planifier une séance", "Plan a meeting"))</h2>
            <p>\(visit.t("Les membres reçoivent l'invitation par e-mail, avec un fichier d'agenda (.ics).", "Members receive the invitation by e-mail, with a calendar file (.ics)."))</p>
            \(Form.open(action: CommitteesPaths.meetings.link(territory.slug, try committee.requireID()), visit: visit))
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
        let link =
            req.agora.config.baseURL
            + CommitteesPaths.meeting.link(territory.slug, try committee.requireID(), try meeting.requireID())
        // A meeting is never moved once planned (no page changes its time or place): its first
        // revision, SEQUENCE 0, last changed when it was planned.
        return ICS.Event(
            uid: ICS.uid("seance-\(try meeting.requireID())", baseURL: req.agora.config.baseURL),
            start: meeting.startsAt, end: meeting.endsAt,
            summary: "Séance – " + committee.name,
            description: [meeting.onlineLink.map { "Visioconférence : \($0)" }, "Ordre du jour et documents : \(link)"]
                .compactMap { $0 }.joined(separator: "\n"),
            location: meeting.place ?? meeting.onlineLink, url: link, sequence: 0, lastModified: meeting.createdAt)
    }

    @Sendable static func create(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let territory = scope.territory
        let committee = try await CommitteeContext.committee(req)
        let fields = req.formFields()
        let input: MeetingInput
        switch MeetingInput.validate(fields: fields, now: req.now, lang: visit.lang) {
        case .failure(let box):
            return req.render(
                try await CommitteePages.managePage(
                    req, committee: committee, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let value): input = value
        }
        let outcome = try await PlanMeeting.run(
            input, committee: committee, territory: territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .planned(let meetingID):
            return req.redirect(
                to: CommitteesPaths.meeting.link(territory.slug, try committee.requireID(), meetingID),
                flash: Flash(
                    .success,
                    visit.t("Séance planifiée ; les membres sont invités.", "Meeting planned; the members are invited.")
                ))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func invitation(_ req: Request) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let body = ICS.calendar([try icsEvent(req, committee: committee, meeting: meeting)], name: committee.name)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"seance-\(try meeting.requireID()).ics\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    // MARK: - The meeting page

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

    /// A meeting's page, from its model: attendance and quorum, the agenda with its decisions and
    /// votes, the documents (members), the minutes, and the staff's forms. Pure: the model, the
    /// visit and what was typed (`fields`, `errors`) are all it reads.
    static func view(
        _ model: MeetingPageModel, visit: Visit, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) throws -> WebPage {
        let committee = model.committee, meeting = model.meeting, state = model.state
        let territory = try visit.territoryHere()
        let cid = try committee.requireID(), mid = try meeting.requireID()
        let quorumMet = state.quorumMet(committee)
        let ended = meeting.endsAt < model.now
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
            \(attendanceTable(model, visit: visit))
            \(try attendanceForm(model, visit: visit, errors: errors))
            <h2>\(visit.t("Ordre du jour et décisions", "Agenda and decisions"))</h2>
            <ol class="agenda">\(each: try agenda(model, visit: visit, fields: fields, errors: errors))</ol>
            \(try documentsSection(model, visit: visit))
            <h2>\(visit.t("Compte rendu", "Minutes"))</h2>
            \(try minutesSection(model, visit: visit, fields: fields, errors: errors))
            \(try approvalSection(model, visit: visit))
            """
        return WebPage(
            title: visit.t("Séance du ", "Meeting of ") + DateText.day(meeting.startsAt, lang: visit.lang) + " · "
                + committee.name,
            main: main, status: status, hasErrors: !errors.isEmpty)
    }

    /// The agenda, item by item: its decision or its open vote, then the staff's forms while undecided.
    static func agenda(
        _ model: MeetingPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> [HTML] {
        let actor = visit.committeeActor
        let runs = CommitteesPolicy.allows(actor, .run, on: .committee)
        // Voting is for the members of the meeting's day.
        let votingSeat = visit.viewer.flatMap { model.state.votingSeat(person: $0.personID) }.flatMap { seat in
            CommitteesPolicy.allows(actor, .vote, on: .meeting(votingSeatID: seat.id)) ? seat : nil
        }
        return try model.state.items.map { item -> HTML in
            var parts = try itemRecord(item, model, visit: visit, errors: errors, votingSeat: votingSeat)
            if runs, item.decisionMode == nil {
                parts += try itemStaffForms(item, model, visit: visit, fields: fields, errors: errors)
            }
            return
                "<li id=\"point-\(try item.requireID())\"><h3>\(item.position). \(item.title)</h3>\(each: parts)</li>"
        }
    }

    /// An item's decision (its result, its tally when voted, its links) or its open vote (the
    /// count so far, and the ballot of a viewer who holds a voting seat today).
    static func itemRecord(
        _ item: AgendaItem, _ model: MeetingPageModel, visit: Visit, errors: FormErrors, votingSeat: Seat?
    ) throws -> [HTML] {
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), mid = try model.meeting.requireID()
        let votes = model.state.votes[try item.requireID()] ?? []
        let tally = VoteTally(votes.map { ($0.college, $0.choice) })
        var parts: [HTML] = []
        if let mode = DecisionMode(stored: item.decisionMode), let text = item.decisionText {
            let result: String =
                mode == .consensus
                ? visit.t("Adopté par consensus", "Adopted by consensus")
                : item.adopted == true
                    ? visit.t("Adopté par vote", "Adopted by vote") : visit.t("Rejeté au vote", "Rejected by vote")
            parts.append(
                "<p><strong>\(result)\(item.quorumMet == false ? " " + visit.t("(vote sans quorum)", "(vote without quorum)") : "")</strong></p><p>\(text)</p>"
            )
            if mode == .vote {
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
                        \(Form.open(action: CommitteesPaths.vote.link(territory.slug, cid, mid, try item.requireID()), visit: visit))\
                        \(Form.radios(name: "choice-\(try item.requireID())", legend: visit.t("Votre vote sur : ", "Your vote on: ") + item.title,
                                  options: VoteChoice.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) }, selected: nil, errors: errors, visit: visit, required: true))\
                        \(Form.submit(visit.t("Voter", "Vote")))</form>
                        """)
                }
            }
        }
        return parts
    }

    /// The staff's forms on an undecided item: open its vote, record its decision.
    static func itemStaffForms(
        _ item: AgendaItem, _ model: MeetingPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> [HTML] {
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), mid = try model.meeting.requireID()
        var parts: [HTML] = []
        if !item.voteOpen {
            parts.append(
                """
                \(Form.open(action: CommitteesPaths.openVote.link(territory.slug, cid, mid, try item.requireID()), visit: visit, cssClass: "inline-form"))\
                <button type="submit" class="button secondary">\(visit.t("Ouvrir le vote", "Open the vote"))<span class="visually-hidden"> : \(item.title)</span></button></form>
                """)
        }
        let key = "decision-\(try item.requireID())"
        parts.append(
            """
            <details\(errors[key] == nil ? "" : " open")><summary>\(visit.t("Enregistrer la décision", "Record the decision"))<span class="visually-hidden"> : \(item.title)</span></summary>\
            \(Form.open(action: CommitteesPaths.decide.link(territory.slug, cid, mid, try item.requireID()), visit: visit))\
            \(Form.radios(name: "mode", legend: visit.t("Mode de décision", "How it was decided"),
                      options: [Form.Option(DecisionMode.consensus.rawValue, visit.t("Par consensus", "By consensus"))] + (item.voteOpen ? [Form.Option(DecisionMode.vote.rawValue, visit.t("Clore le vote et en publier le résultat", "Close the vote and publish the result"))] : []),
                      selected: (item.voteOpen ? DecisionMode.vote : .consensus).rawValue, errors: errors, visit: visit, field: "mode-\(try item.requireID())"))\
            \(Form.textarea(name: "text", label: visit.t("Texte adopté ou soumis au vote", "Text adopted or put to the vote"), value: errors[key] == nil ? nil : fields["text"],
                        errors: errors, visit: visit, rows: 3, maxLength: 3000, field: key))\
            \(Form.textarea(name: "links", label: visit.t("Propositions, résultats ou actions liés (facultatif) : une adresse par ligne", "Linked proposals, results or actions (optional): one address per line"),
                        value: errors[key] == nil ? nil : fields["links"], errors: errors, visit: visit, hint: "/\(territory.slug)/propositions/12", rows: 2, maxLength: 2000, field: "liens-\(try item.requireID())"))\
            \(Form.submit(visit.t("Enregistrer la décision", "Record the decision")))</form></details>
            """)
        return parts
    }

    /// Who attends, seat by seat (full names for members, public names otherwise); empty without seats in office.
    static func attendanceTable(_ model: MeetingPageModel, visit: Visit) -> HTML {
        let isMember = model.viewerIsMember(visit)
        let state = model.state
        let rows = state.seats.filter { $0.active(today: state.today) }.map { seat -> [HTML] in
            [
                "\(isMember ? seat.display_name : seat.publicName(visit))", "\(visit.t(seat.collegeValue.short))",
                "\(state.attendance[seat.id].map { visit.t($0.label) } ?? "—")",
            ]
        }
        guard !rows.isEmpty else { return .empty }
        return View.table(
            caption: visit.t("Présences", "Attendance"),
            headers: [visit.t("Membre", "Member"), visit.t("Collège", "College"), visit.t("Présence", "Attendance")],
            rows: rows)
    }

    /// The staff's attendance form, one select per seat in office on the meeting's day.
    static func attendanceForm(_ model: MeetingPageModel, visit: Visit, errors: FormErrors) throws -> HTML {
        guard CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee) else { return .empty }
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), mid = try model.meeting.requireID()
        let state = model.state
        let selects = state.seats.filter { $0.active(today: state.today) }.map { seat in
            Form.select(
                name: "presence-\(seat.id)", label: seat.display_name + " (" + visit.t(seat.collegeValue.short) + ")",
                options: [Form.Option("", "—")]
                    + AttendanceStatus.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                selected: state.attendance[seat.id]?.rawValue, errors: errors, visit: visit)
        }
        return """
            <details><summary>\(visit.t("Noter les présences", "Record attendance"))</summary>
            \(Form.open(action: CommitteesPaths.attendance.link(territory.slug, cid, mid), visit: visit))
            \(HTML.join(selects))
            \(Form.submit(visit.t("Enregistrer les présences", "Save attendance")))
            </form></details>
            """
    }

    /// The meeting's documents, for its members only.
    static func documentsSection(_ model: MeetingPageModel, visit: Visit) throws -> HTML {
        guard model.viewerIsMember(visit) else { return .empty }
        return
            "<h2>\(visit.t("Documents de la séance (réservés aux membres)", "Meeting documents (members only)"))</h2>\(try DocumentPages.links(model.documents, visit: visit, committeeID: try model.committee.requireID()))"
    }

    /// The minutes: approved and public, a draft members read, or a notice; the staff's form until approved.
    static func minutesSection(
        _ model: MeetingPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let meeting = model.meeting
        var minutesBlock: HTML
        if let text = meeting.minutes, let approvedAt = meeting.minutesApprovedAt {
            minutesBlock =
                "<p class=\"meta\">\(visit.t("Approuvé le ", "Approved on "))\(DateText.day(approvedAt, lang: visit.lang))</p><div class=\"proposal-body\">\(View.paragraphs(text))</div>"
        } else if let text = meeting.minutes, model.viewerIsMember(visit) {
            minutesBlock =
                "<p class=\"meta\">\(visit.t("Projet, visible des seuls membres, à approuver à la séance suivante.", "Draft, visible to members only, to be approved at the next meeting."))</p><div class=\"proposal-body\">\(View.paragraphs(text))</div>"
        } else {
            minutesBlock =
                "<p>\(visit.t("Le compte rendu sera publié une fois approuvé à la séance suivante.", "The minutes will be published once approved at the next meeting."))</p>"
        }
        if CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee), meeting.minutesApprovedAt == nil {
            let territory = try visit.territoryHere()
            let cid = try model.committee.requireID(), mid = try meeting.requireID()
            minutesBlock.append(
                """
                \(Form.open(action: CommitteesPaths.minutes.link(territory.slug, cid, mid), visit: visit))
                \(Form.textarea(name: "minutes", label: visit.t("Compte rendu", "Minutes"), value: fields["minutes"] ?? meeting.minutes, errors: errors, visit: visit, rows: 8, maxLength: 20000))
                \(Form.submit(visit.t("Enregistrer le compte rendu", "Save the minutes")))
                </form>
                """)
        }
        return minutesBlock
    }

    /// The staff's approval of the previous meeting's minutes, when they wait for it.
    static func approvalSection(_ model: MeetingPageModel, visit: Visit) throws -> HTML {
        guard CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee),
            let previous = model.state.minutesToApprove
        else { return .empty }
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), mid = try model.meeting.requireID()
        return """
            <h2>\(visit.t("Compte rendu de la séance précédente", "Minutes of the previous meeting"))</h2>
            <p>\(visit.t("Séance du ", "Meeting of "))<a href="\(CommitteesPaths.meeting.link(territory.slug, cid, try previous.requireID()))">\(DateText.day(previous.startsAt, lang: visit.lang))</a></p>
            \(Form.open(action: CommitteesPaths.approve.link(territory.slug, cid, mid), visit: visit))\
            \(Form.submit(visit.t("Approuver le compte rendu de la séance précédente", "Approve the minutes of the previous meeting")))</form>
            """
    }

    // MARK: - Writes

    static func rejected(
        _ req: Request, _ committee: Committee, _ meeting: Meeting, _ fields: [String: String], _ errors: FormErrors,
        status: HTTPStatus = .unprocessableEntity
    ) async throws -> Response {
        let model = try await load(committee: committee, meeting: meeting, visit: req.visit, now: req.now, on: req.db)
        return req.render(try view(model, visit: req.visit, fields: fields, errors: errors, status: status))
    }

    static func back(
        _ req: Request, _ committee: Committee, _ meeting: Meeting, anchor: String = "", _ message: String
    ) throws -> Response {
        req.redirect(
            to: CommitteesPaths.meeting.link(
                (try req.visit.territoryHere()).slug, try committee.requireID(), try meeting.requireID()) + anchor,
            flash: Flash(.success, message))
    }

    @Sendable static func attendance(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let fields = req.formFields()
        var presence: [Int: String] = [:]
        for (name, value) in fields where name.hasPrefix("presence-") {
            if let id = Int(name.dropFirst("presence-".count)) { presence[id] = value }
        }
        let outcome = try await RecordAttendance.run(
            presence, meeting: meeting, committee: committee, territory: scope.territory, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .recorded:
            return try back(req, committee, meeting, scope.visit.t("Présences enregistrées.", "Attendance saved."))
        case .invalid(let errors): return try await rejected(req, committee, meeting, fields, errors)
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func openVote(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let item = try await CommitteeContext.item(req, of: meeting)
        let outcome = try await OpenVote.run(
            item: item, meeting: meeting, committee: committee, territory: scope.territory, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .opened(let met):
            return try back(
                req, committee, meeting, anchor: "#point-\(try item.requireID())",
                met
                    ? visit.t("Le vote est ouvert.", "The vote is open.")
                    : visit.t(
                        "Le vote est ouvert, sans quorum : il sera signalé.",
                        "The vote is open, without quorum: it will be marked."))
        case .refused(let errors): return try await rejected(req, committee, meeting, [:], errors)
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func vote(_ req: Request, member: MemberScope) async throws -> Response {
        let visit = member.visit
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let item = try await CommitteeContext.item(req, of: meeting)
        let fields = req.formFields()
        let itemID = try item.requireID()
        let field = CastVote.field(itemID: itemID)
        let outcome = try await CastVote.run(
            choice: fields[field], item: item, meeting: meeting, committee: committee, actor: Actor(member),
            env: req.useCases)
        var errors = FormErrors()
        switch outcome {
        case .recorded:
            return try back(
                req, committee, meeting, anchor: "#point-\(itemID)",
                visit.t("Votre vote est enregistré.", "Your vote is recorded."))
        case .notAVoter:
            errors.add(
                field,
                visit.t(
                    "Seuls les membres votants présents ou représentés à cette séance votent.",
                    "Only voting members present or represented at this meeting vote."))
            return try await rejected(req, committee, meeting, fields, errors, status: .forbidden)
        case .notOpen:
            errors.add(field, visit.t("Le vote sur ce point n'est pas ouvert.", "The vote on this item is not open."))
            return try await rejected(req, committee, meeting, fields, errors, status: .conflict)
        case .invalid(let typed): return try await rejected(req, committee, meeting, fields, typed)
        case .duplicate:
            errors.add(field, visit.t("Vous avez déjà voté sur ce point.", "You have already voted on this item."))
            return try await rejected(req, committee, meeting, fields, errors, status: .conflict)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func decide(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let item = try await CommitteeContext.item(req, of: meeting)
        let fields = req.formFields()
        let outcome = try await RecordDecision.run(
            fields, item: item, meeting: meeting, committee: committee, territory: scope.territory,
            actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .decided:
            return try back(
                req, committee, meeting, anchor: "#point-\(try item.requireID())",
                scope.visit.t("Décision enregistrée.", "Decision recorded."))
        case .invalid(let errors): return try await rejected(req, committee, meeting, fields, errors)
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func minutes(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let fields = req.formFields()
        let outcome = try await WriteMinutes.run(
            fields, meeting: meeting, committee: committee, territory: scope.territory, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .saved:
            return try back(
                req, committee, meeting,
                visit.t(
                    "Compte rendu enregistré ; il sera publié une fois approuvé.",
                    "Minutes saved; they will be published once approved."))
        case .approved(let errors):
            return try await rejected(req, committee, meeting, fields, errors, status: .conflict)
        case .invalid(let errors): return try await rejected(req, committee, meeting, fields, errors)
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func approve(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let committee = try await CommitteeContext.committee(req)
        let meeting = try await CommitteeContext.meeting(req, of: committee)
        let outcome = try await ApproveMinutes.run(
            in: meeting, committee: committee, territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .approved:
            return try back(
                req, committee, meeting,
                visit.t(
                    "Le compte rendu de la séance précédente est approuvé et publié.",
                    "The previous meeting's minutes are approved and published."))
        case .nothingToApprove:
            var errors = FormErrors()
            errors.add(
                "minutes",
                visit.t(
                    "Il n'y a pas de compte rendu de la séance précédente à approuver.",
                    "There are no minutes of the previous meeting to approve."))
            return try await rejected(req, committee, meeting, [:], errors, status: .conflict)
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }
}
