import Core
import Foundation
import Testing
@testable import Events

@Suite("Paris time")
struct ParisTimeTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func local(_ day: String, _ time: String) -> LocalDateTime { LocalDateTime(day: day, time: time)! }

    @Test func winterAndSummerOffsets() throws {
        #expect(try ParisTime.utc(Self.local("2027-01-15", "14:00")).get() == Self.utc("2027-01-15T13:00:00Z"))
        #expect(try ParisTime.utc(Self.local("2027-07-15", "14:00")).get() == Self.utc("2027-07-15T12:00:00Z"))
        #expect(ParisTime.local(Self.utc("2027-01-15T13:00:00Z")) == Self.local("2027-01-15", "14:00"))
        #expect(ParisTime.local(Self.utc("2027-07-15T12:00:00Z")) == Self.local("2027-07-15", "14:00"))
    }

    /// 2027: summer time starts on Sunday 28 March at 01:00 UTC (02:00 → 03:00 in Paris).
    @Test func marchChangeSkipsAnHour() throws {
        #expect(try ParisTime.utc(Self.local("2027-03-28", "01:30")).get() == Self.utc("2027-03-28T00:30:00Z"))
        #expect(ParisTime.utc(Self.local("2027-03-28", "02:30")) == .failure(.skipped))
        #expect(try ParisTime.utc(Self.local("2027-03-28", "03:00")).get() == Self.utc("2027-03-28T01:00:00Z"))
        #expect(ParisTime.offset(at: Self.utc("2027-03-28T00:59:00Z")) == 3600)
        #expect(ParisTime.offset(at: Self.utc("2027-03-28T01:00:00Z")) == 7200)
        // The day before and after: a meeting at 18:00 is 17:00 then 16:00 UTC.
        #expect(try ParisTime.utc(Self.local("2027-03-27", "18:00")).get() == Self.utc("2027-03-27T17:00:00Z"))
        #expect(try ParisTime.utc(Self.local("2027-03-29", "18:00")).get() == Self.utc("2027-03-29T16:00:00Z"))
    }

    /// 2026: summer time ends on Sunday 25 October at 01:00 UTC (03:00 → 02:00 in Paris).
    @Test func octoberChangeRepeatsAnHour() throws {
        // 02:30 happens twice: the first (summer) pass is taken.
        #expect(try ParisTime.utc(Self.local("2026-10-25", "02:30")).get() == Self.utc("2026-10-25T00:30:00Z"))
        #expect(ParisTime.local(Self.utc("2026-10-25T01:30:00Z")) == Self.local("2026-10-25", "02:30"))
        #expect(try ParisTime.utc(Self.local("2026-10-25", "03:00")).get() == Self.utc("2026-10-25T02:00:00Z"))
        #expect(try ParisTime.utc(Self.local("2026-10-26", "09:00")).get() == Self.utc("2026-10-26T08:00:00Z"))
    }

    @Test func agreesWithTheSystemZoneAllYear() throws {
        let zone = TimeZone(identifier: "Europe/Paris")!
        var date = Self.utc("2026-01-01T00:00:00Z")
        while date < Self.utc("2028-12-31T00:00:00Z") {
            #expect(ParisTime.offset(at: date) == zone.secondsFromGMT(for: date), "\(date)")
            date = date.addingTimeInterval(3600 * 7)
        }
    }

    @Test func weekdaysAndText() throws {
        #expect(ParisTime.weekday(year: 2026, month: 11, day: 23) == 0)  // a Monday
        #expect(ParisTime.longText(Self.utc("2027-03-01T17:30:00Z"), french: true) == "lundi 1er mars 2027, 18 h 30")
        #expect(LocalDateTime(day: "2027-02-29", time: "10:00") == nil)
        #expect(LocalDateTime(day: "2027-02-28", time: "24:00") == nil)
    }
}

@Suite("Event rules")
struct EventRuleTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
    static let communes: Set<String> = ["35360", "35068"]

    static func fields(_ changes: [String: String] = [:]) -> [String: String] {
        var base = [
            "kind": "forum", "title": "Forum santé", "description": "On parle de santé.", "day": "2027-03-28",
            "start_time": "14:00",
            "end_time": "16:00", "commune": "35360", "address": "2 rue de la Mairie", "capacity": "30",
        ]
        for (key, value) in changes { base[key] = value }
        return base
    }

    static func parse(
        _ changes: [String: String], registered: Int = 0, kinds: [EventKind] = EventKind.allCases
    ) -> Result<EventInput, FormErrorsBox> {
        EventInput.parse(
            fields(changes), lists: ["access": ["plain-pied", "inconnu"], "themes": ["prevention"]], communes: communes,
            allowedKinds: kinds,
            registered: registered, now: now, lang: .fr)
    }

    static func errors(_ result: Result<EventInput, FormErrorsBox>) -> FormErrors {
        if case .failure(let box) = result { return box.errors }
        return FormErrors()
    }

    @Test func aGoodEventIsReadInParisTime() throws {
        let input = try Self.parse([:]).get()
        #expect(input.start == ISO8601DateFormatter().date(from: "2027-03-28T12:00:00Z"))  // summer time that day
        #expect(input.access == [.stepFree])
        #expect(input.themes == [.prevention])
    }

    @Test func badInputGetsAMessageNextToItsField() throws {
        #expect(
            Self.errors(Self.parse(["day": "2026-01-10"]))["day"]
                == "Cette date est passée : choisissez un jour à venir.")
        #expect(Self.errors(Self.parse(["end_time": "13:00"]))["end_time"] == "La fin doit venir après le début.")
        #expect(Self.errors(Self.parse(["start_time": "02:30"]))["start_time"]?.contains("n'existe pas") == true)
        #expect(Self.errors(Self.parse(["capacity": "0"]))["capacity"] != nil)
        #expect(
            Self.errors(Self.parse(["capacity": "10"], registered: 12))["capacity"]
                == "12 personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous.")
        #expect(Self.errors(Self.parse(["commune": "", "address": ""]))["commune"]?.contains("lien en ligne") == true)
        #expect(Self.errors(Self.parse(["commune": "99999"]))["commune"] == "Choisissez une commune du territoire.")
        #expect(Self.errors(Self.parse(["online_url": "javascript:alert(1)"]))["online_url"] != nil)
        #expect(Self.errors(Self.parse(["title": ""]))["title"] != nil)
        #expect(Self.errors(Self.parse(["closes_on": "2027-04-01"]))["closes_on"] != nil)
        #expect(
            Self.errors(Self.parse([:], kinds: [.workshop]))["kind"]
                == "Vous pouvez créer des ateliers participatifs seulement.")
    }

    @Test func onlineOnlyIsFine() throws {
        let input = try Self.parse(["commune": "", "address": "", "online_url": "https://visio.example.org/a"]).get()
        #expect(input.communeCode == nil && input.onlineURL != nil)
    }

    @Test func registrationWindow() throws {
        let start = ISO8601DateFormatter().date(from: "2026-12-10T17:00:00Z")!
        #expect(RegistrationWindow.state(opensOn: nil, closesOn: nil, start: start, now: Self.now) == .open)
        #expect(RegistrationWindow.state(opensOn: "2026-12-01", closesOn: nil, start: start, now: Self.now) == .notYet)
        #expect(RegistrationWindow.state(opensOn: nil, closesOn: "2026-11-22", start: start, now: Self.now) == .closed)
        #expect(RegistrationWindow.state(opensOn: nil, closesOn: "2026-11-23", start: start, now: Self.now) == .open)
        #expect(RegistrationWindow.state(opensOn: nil, closesOn: nil, start: start, now: start) == .closed)
    }

    @Test func seatsAndTheWaitingList() throws {
        #expect(Seats.place(registered: 9, capacity: 10) == .registered)
        #expect(Seats.place(registered: 10, capacity: 10) == .waiting)
        #expect(Seats.place(registered: 12, capacity: 10, walkIn: true) == .registered)
        #expect(Seats.admission(status: .published, window: .open) == nil)
        #expect(Seats.admission(status: .published, window: .closed) == .closed)
        #expect(Seats.admission(status: .published, window: .notYet) == .notYetOpen)
        #expect(Seats.admission(status: .draft, window: .open) == .notPublished)
        #expect(Seats.admission(status: .cancelled, window: .open) == .notPublished)
        #expect(Seats.promotions(registered: 9, capacity: 10, waiting: 3) == 1)
        #expect(Seats.promotions(registered: 5, capacity: 10, waiting: 3) == 3)
        #expect(Seats.promotions(registered: 10, capacity: 10, waiting: 3) == 0)
        #expect(Seats.left(registered: 12, capacity: 10) == 0)
    }

    @Test func whoOrganises() throws {
        #expect(EventsPolicy.manages(rolesHere: [.coordinator], viewerID: 1, createdBy: 2, kind: .forum))
        #expect(EventsPolicy.manages(rolesHere: [.patientPartner], viewerID: 2, createdBy: 2, kind: .workshop))
        #expect(!EventsPolicy.manages(rolesHere: [.patientPartner], viewerID: 3, createdBy: 2, kind: .workshop))
        #expect(!EventsPolicy.manages(rolesHere: [.patientPartner], viewerID: 2, createdBy: 2, kind: .forum))
        #expect(
            !EventsPolicy.manages(rolesHere: [.resident, .decisionMaker], viewerID: 2, createdBy: 2, kind: .workshop))
        #expect(EventsPolicy.kinds(rolesHere: [.patientPartner]) == [.workshop])
    }
}

@Suite("Distance and calendar")
struct DistanceAndMonthTests {
    @Test func haversine() throws {
        // Paris – Rennes, about 308 km as the crow flies.
        let km = Distance.kilometres((48.8566, 2.3522), (48.1173, -1.6778))
        #expect(abs(km - 308) < 3)
        #expect(Distance.kilometres((48.0, -1.0), (48.0, -1.0)) == 0)
        // One degree of latitude is about 111 km.
        #expect(abs(Distance.kilometres((48.0, -1.0), (49.0, -1.0)) - 111.2) < 0.5)
    }

    @Test func communesNearVitre() throws {
        let near = try #require(
            Distance.communes(within: 10, of: "35360", among: ["35360", "35006", "35068", "35211"]))
        #expect(near.contains("35360") && near.contains("35006"))  // Argentré-du-Plessis, about 8 km
        #expect(!near.contains("35068") && !near.contains("35211"))  // Châteaubourg ~15 km, Paimpont ~70 km
        #expect(Distance.communes(within: 10, of: "00000", among: ["35360"]) == nil)
    }

    @Test func monthGrid() throws {
        let march = MonthGrid(year: 2027, month: 3)  // starts on a Monday, 31 days
        #expect(march.weeks.first?.first == 1)
        #expect(march.weeks.count == 5)
        #expect(march.weeks.last == [29, 30, 31, nil, nil, nil, nil])
        let february = MonthGrid(year: 2026, month: 2)  // starts on a Sunday
        #expect(february.weeks.first == [nil, nil, nil, nil, nil, nil, 1])
        #expect(MonthGrid(year: 2026, month: 12).next == (2027, 1))
        #expect(MonthGrid(year: 2027, month: 1).previous == (2026, 12))
        #expect(MonthGrid.parse("2027-13") == nil && MonthGrid.parse("abc") == nil)
        #expect(MonthGrid.parse("2027-03")! == (2027, 3))
        let range = march.range
        #expect(range.start == ISO8601DateFormatter().date(from: "2027-02-28T23:00:00Z"))
        #expect(range.end == ISO8601DateFormatter().date(from: "2027-03-31T22:00:00Z"))
    }
}

@Suite("Live participation")
struct LiveRuleTests {
    @Test func codes() throws {
        let code = LiveCode.random()
        #expect(code.count == 6 && LiveCode.normalise(code) == code)
        #expect(LiveCode.normalise("k7m p2q") == "K7MP2Q")
        #expect(LiveCode.normalise("K7MP2") == nil)
        #expect(LiveCode.normalise("O0I1LX") == nil)
    }

    @Test func pollOptionsAndIdeas() throws {
        #expect(try LiveRules.pollOptions("Oui\n\nNon\n", lang: .fr).get() == ["Oui", "Non"])
        #expect((try? LiveRules.pollOptions("Oui", lang: .fr).get()) == nil)
        #expect((try? LiveRules.pollOptions("Oui\noui", lang: .fr).get()) == nil)
        // escaped when shown, not here
        #expect(try LiveRules.idea("  <b>Un bus</b> ", lang: .fr).get() == "<b>Un bus</b>")
        #expect((try? LiveRules.idea(String(repeating: "a", count: 281), lang: .fr).get()) == nil)
    }

    @Test func contributionsAreRateLimitedPerParticipant() throws {
        let limiter = RateLimiter()
        let key = LiveRules.limiterKey(participant: "abc")
        let start = Date()
        for second in 0..<LiveRules.limit {
            #expect(
                limiter.allows(
                    key, limit: LiveRules.limit, window: LiveRules.window, now: start.addingTimeInterval(Double(second))
                ))
            limiter.record(key, now: start.addingTimeInterval(Double(second)))
        }
        #expect(
            !limiter.allows(key, limit: LiveRules.limit, window: LiveRules.window, now: start.addingTimeInterval(10)))
        #expect(
            limiter.allows(
                LiveRules.limiterKey(participant: "other"), limit: LiveRules.limit, window: LiveRules.window,
                now: start.addingTimeInterval(10)))
        #expect(
            limiter.allows(key, limit: LiveRules.limit, window: LiveRules.window, now: start.addingTimeInterval(61)))
    }
}

@Suite("Feedback, reminders, duplicates")
struct FeedbackReminderRulesTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func theFeedbackLinkCarriesTheEventAndNamesItsQuestionnaire() {
        let path = FeedbackLink.path(slug: "vitre", questionnaireID: 12, eventID: 7)
        #expect(path == "/vitre/questionnaires/12/repondre?evenement=7")
        #expect(FeedbackLink.questionnaireID(in: path, slug: "vitre") == 12)
        #expect(FeedbackLink.questionnaireID(in: path, slug: "broceliande") == nil)
        // an old pasted address
        #expect(FeedbackLink.questionnaireID(in: "/vitre/questionnaires/3", slug: "vitre") == nil)
        #expect(FeedbackLink.questionnaireID(in: "/vitre/questionnaires/x/repondre", slug: "vitre") == nil)
        #expect(FeedbackLink.questionnaireID(in: nil, slug: "vitre") == nil)
    }

    @Test func theQuestionnaireIsSentOnlyAfterTheEventToSomeoneWhoCame() {
        let start = Self.utc("2027-03-10T17:00:00Z")
        #expect(
            FeedbackLink.refusal(start: start, status: .published, attended: 3, now: start.addingTimeInterval(-60))?.fr
                .contains("pas encore commencé") == true)
        #expect(
            FeedbackLink.refusal(start: start, status: .published, attended: 0, now: start.addingTimeInterval(3600))?.fr
                .contains("Personne n'a encore été accueilli") == true)
        #expect(
            FeedbackLink.refusal(start: start, status: .cancelled, attended: 2, now: start.addingTimeInterval(3600))
                != nil)
        #expect(
            FeedbackLink.refusal(start: start, status: .published, attended: 1, now: start.addingTimeInterval(60))
                == nil)  // started: it may be sent
    }

    @Test func aReminderIsDueTheDayBeforeButNotJustAfterRegistering() {
        let start = Self.utc("2027-03-10T17:00:00Z")  // 18:00 in Paris
        let now = Self.utc("2027-03-09T18:00:00Z")
        #expect(ReminderRule.due(start: start, toldAt: Self.utc("2027-03-01T10:00:00Z"), now: now))
        // Registered 8 hours before the start: the confirmation had it all.
        #expect(
            !ReminderRule.due(
                start: start, toldAt: Self.utc("2027-03-10T09:00:00Z"), now: Self.utc("2027-03-10T09:05:00Z")))
        // Exactly 12 hours before still gets one; 11 h 59 does not.
        #expect(
            ReminderRule.due(
                start: start, toldAt: start.addingTimeInterval(-12 * 3600),
                now: start.addingTimeInterval(-12 * 3600 + 60)))
        #expect(
            !ReminderRule.due(
                start: start, toldAt: start.addingTimeInterval(-12 * 3600 + 60),
                now: start.addingTimeInterval(-12 * 3600 + 120)))
        // Too early (more than 30 hours before), or already started.
        #expect(
            !ReminderRule.due(
                start: start, toldAt: Self.utc("2027-03-01T10:00:00Z"), now: start.addingTimeInterval(-31 * 3600)))
        #expect(
            !ReminderRule.due(start: start, toldAt: Self.utc("2027-03-01T10:00:00Z"), now: start.addingTimeInterval(60))
        )
    }

    @Test func theReminderSaysTomorrowOnlyWhenItIsTomorrowInParis() {
        let start = Self.utc("2027-03-10T17:00:00Z")  // Wednesday 10 March, 18:00 in Paris
        #expect(ReminderRule.day(start: start, now: Self.utc("2027-03-09T15:00:00Z"), french: true) == "demain")
        #expect(ReminderRule.day(start: start, now: Self.utc("2027-03-09T15:00:00Z"), french: false) == "tomorrow")
        #expect(ReminderRule.day(start: start, now: Self.utc("2027-03-10T06:00:00Z"), french: true) == "aujourd'hui")
        // 23:30 UTC on the 8th is already the 9th in Paris: tomorrow, not the day after.
        #expect(ReminderRule.day(start: start, now: Self.utc("2027-03-08T23:30:00Z"), french: true) == "demain")
        // 22:30 UTC on the 8th is still the 8th in Paris: two days ahead, so the date.
        #expect(
            ReminderRule.day(start: start, now: Self.utc("2027-03-08T22:30:00Z"), french: true) == "le mercredi 10 mars"
        )
        // Summer time: 00:30 in Paris on 1 July is 22:30 UTC on 30 June.
        #expect(
            ReminderRule.day(
                start: Self.utc("2027-07-01T16:00:00Z"), now: Self.utc("2027-06-30T22:30:00Z"), french: true)
                == "aujourd'hui")
    }

    @Test func theSamePersonByNameAndPhone() {
        #expect(
            SamePerson.matches(
                name: "Germaine  Test", phone: "06 12 34 56 78", name: " germaine test", phone: "0612345678"))
        #expect(
            SamePerson.matches(
                name: "Germaine Test", phone: "+33 6 12 34 56 78", name: "GERMAINE TEST", phone: "06.12.34.56.78"))
        #expect(
            !SamePerson.matches(
                name: "Germaine Test", phone: "06 12 34 56 78", name: "Germain Test", phone: "06 12 34 56 78"))
        #expect(
            !SamePerson.matches(
                name: "Germaine Test", phone: "06 12 34 56 78", name: "Germaine Test", phone: "06 12 34 56 79"))
        // The stored key (one indexed lookup) agrees with the rule.
        #expect(
            SamePerson.key(name: "Germaine  Test", phone: "+33 6 12 34 56 78")
                == SamePerson.key(name: " germaine test", phone: "06.12.34.56.78"))
        #expect(SamePerson.key(name: "Germaine Test", phone: "0612345678") == "germaine test|0612345678")
        #expect(
            SamePerson.key(name: "Germaine Test", phone: "pas de numéro") == nil
                && SamePerson.key(name: "Germaine Test", phone: nil) == nil)
        #expect(!SamePerson.matches(name: "Germaine Test", phone: nil, name: "Germaine Test", phone: nil))
        #expect(SamePerson.phoneDigits("0033 6 12 34 56 78") == "0612345678")
    }

    @Test func capacityRefusalNamesTheCount() {
        #expect(
            EventInput.capacityBelow(4).fr
                == "4 personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous.")
    }
}

@Suite("Stored vocabularies")
struct StoredVocabularyTests {
    /// `events.access_mask` keeps its meaning only while every feature keeps its bit.
    @Test func everyAccessFeatureBitIsPinned() {
        let pinned: [AccessFeature: Int] = [
            .stepFree: 0, .hearingLoop: 1, .signLanguage: 2, .easyRead: 3, .transport: 4,
        ]
        #expect(Dictionary(uniqueKeysWithValues: AccessFeature.allCases.map { ($0, $0.bitPosition) }) == pinned)
        #expect(AccessFeature.mask([.stepFree, .transport]) == 0b1_0001)
        #expect(AccessFeature.from(mask: 0b1_0001) == [.stepFree, .transport])
    }
}

/// An event's figures under the disclosure control (issue #15): an attacker who reads the page
/// and knows how its figures relate (registered = came + did not come, attended = came +
/// walk-ins) enumerates every completion and finds no count of 1 to 4.
@Suite("Event figures")
struct EventFigureTests {
    static let d = Disclosure.standard

    static func cells(_ r: Int, _ a: Int, _ w: Int) -> EventFigureCells {
        EventFigureCells(
            registered: r, attended: a, walkIns: w, waiting: 0, byCommune: [:], byAudience: [:], disclosure: d)
    }

    @Test func noSmallCountCanBeWorkedOutFromTheParticipationFigures() {
        for r in 0...10 {
            for came in 0...r {
                for w in 0...8 {
                    let a = came + w
                    let shown = Self.cells(r, a, w)
                    var seen: [Set<Int>] = [[], [], []]
                    for x in 0...20 {
                        for y in 0...20 {
                            for z in 0...20 {
                                let (rr, aa) = (x + y, x + z)
                                // A stronger attacker than the page allows: told, for each hidden
                                // figure, whether it is small (1 to 4) or not.
                                func ok(_ cell: Disclosure.Cell, _ value: Int, _ truth: Int) -> Bool {
                                    if case .shown(let n) = cell { return n == value }
                                    return Self.d.isSmall(truth) == Self.d.isSmall(value)
                                }
                                guard ok(shown.registered, rr, r), ok(shown.attended, aa, a), ok(shown.walkIns, z, w)
                                else { continue }
                                seen[0].insert(x); seen[1].insert(y); seen[2].insert(z)
                            }
                        }
                    }
                    for set in seen where set.count == 1 {
                        #expect(!Self.d.isSmall(set.first!), "R \(r) A \(a) W \(w): \(set) is worked out")
                    }
                }
            }
        }
    }

    @Test func walkInsAreHiddenWhenTheyWouldGiveAwayASmallCount() {
        // 40 registered, 38 of them came, with 6 walk-ins: 2 did not come.
        let shown = Self.cells(40, 44, 6)
        #expect(shown.registered == .shown(40) && shown.attended == .shown(44) && shown.walkIns == .hidden)
        // 40 registered, 20 came, 6 walk-ins: all shown.
        #expect(Self.cells(40, 26, 6).walkIns == .shown(6))
        // 3 walk-ins: fewer than 5.
        #expect(Self.cells(40, 23, 3).walkIns == .hidden)
    }

    @Test func communesAndAudiencesOfTheAttendeesAreProtectedLines() {
        let shown = EventFigureCells(
            registered: 30, attended: 30, walkIns: 0, waiting: 2, byCommune: ["35360": 24, "35068": 3, "35330": 3],
            byAudience: ["habitant": 30], disclosure: .standard)
        #expect(shown.byCommune.map(\.key) == ["35068", "35330", "35360"])
        #expect(shown.byCommune.map(\.cell) == [.hidden, .hidden, .shown(24)])
        #expect(shown.byAudience.map(\.cell) == [.shown(30)])
        #expect(shown.waiting == .hidden)
        // One small commune, the others large: the smallest other is hidden with it.
        let one = EventFigureCells(
            registered: 40, attended: 40, walkIns: 0, waiting: 0, byCommune: ["a": 30, "b": 8, "c": 2],
            byAudience: [:], disclosure: .standard)
        #expect(one.byCommune.map(\.cell) == [.shown(30), .hidden, .hidden])
        // Fewer than 5 attendees: nothing about them by commune.
        let few = EventFigureCells(
            registered: 4, attended: 4, walkIns: 0, waiting: 0, byCommune: ["a": 4], byAudience: [:],
            disclosure: .standard)
        #expect(few.attended == .hidden && few.byCommune.map(\.cell) == [.hidden])
    }
}

@Suite("Live results under the disclosure control")
struct LiveFigureTests {
    @Test func aPollHidesSmallAnswersAndTheNextSmallestWithThem() {
        let poll = LiveFigures.poll(votes: [30, 12, 3], disclosure: .standard)
        #expect(poll.total == .shown(45))
        #expect(poll.options == [.shown(30), .hidden, .hidden])
        #expect(poll.shares == [67, nil, nil])  // 66,67 % rounded half away from zero
        let all = LiveFigures.poll(votes: [20, 10, 0], disclosure: .standard)
        #expect(all.options == [.shown(20), .shown(10), .shown(0)] && all.shares == [67, 33, 0])
        // Under five votes in all: nothing but "fewer than 5".
        let few = LiveFigures.poll(votes: [3, 1], disclosure: .standard)
        #expect(few.total == .hidden && few.options == [.hidden, .hidden])
        // No vote yet: zeros.
        #expect(LiveFigures.poll(votes: [0, 0], disclosure: .standard).total == .shown(0))
        // A multiple-choice poll answered by 3 people shows nothing, whatever its votes.
        let multiple = LiveFigures.poll(votes: [3, 3, 2], participants: 3, disclosure: .standard)
        #expect(multiple.total == .hidden && multiple.options.allSatisfy(\.isHidden))
    }

    @Test func aRankingShowsPointsOnlyWhenEveryPlaceIsShown() {
        // Option 1: 10 firsts, 5 seconds, 5 thirds; option 2: 2 firsts, 10 seconds, 8 thirds;
        // option 3: 8 firsts, 5 seconds, 7 thirds. 20 participants.
        let counts = [(1, [10, 5, 5]), (2, [2, 10, 8]), (3, [8, 5, 7])].flatMap { option, places in
            places.enumerated().map { LiveRules.RankCount(option: option, rank: $0.offset + 1, count: $0.element) }
        }
        let scores = LiveRules.borda(options: [1, 2, 3], counts: counts)
        let shown = LiveFigures.ranking(scores, counts: counts, participants: 20, disclosure: .standard)
        guard let two = shown.first(where: { $0.option == 2 }) else {
            Issue.record("option 2 missing"); return
        }
        #expect(two.firsts == .hidden && two.points == nil && two.mentions == .shown(20))
        // The column of first places now has one hidden cell: the next smallest goes with it.
        #expect(shown.filter { $0.firsts.isHidden }.count >= 2)
        // With no small place anywhere, every option shows its points.
        let full = [(1, [10, 6, 5]), (2, [5, 10, 6]), (3, [6, 5, 10])].flatMap { option, places in
            places.enumerated().map { LiveRules.RankCount(option: option, rank: $0.offset + 1, count: $0.element) }
        }
        let clear = LiveFigures.ranking(
            LiveRules.borda(options: [1, 2, 3], counts: full), counts: full, participants: 21, disclosure: .standard)
        #expect(clear.map(\.points) == [49, 46, 44].map(Optional.some) || clear.allSatisfy { $0.points != nil })
        #expect(clear.allSatisfy { !$0.firsts.isHidden && !$0.mentions.isHidden })
        // Fewer than five participants: nothing.
        let few = LiveFigures.ranking(scores, counts: counts, participants: 4, disclosure: .standard)
        #expect(few.allSatisfy { $0.points == nil && $0.firsts.isHidden && $0.mentions.isHidden })
    }
}
