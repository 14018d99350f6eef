import Foundation

/// iCalendar (RFC 5545) files for meetings and events: times in UTC (calendar clients show them in
/// the reader's zone), text escaped, lines folded at 75 octets, CRLF line ends. Every event has a
/// `UID` naming the instance's host (two deployments never share one), a `SEQUENCE` that grows
/// when the event moves or changes, and `LAST-MODIFIED`.
public enum ICS {
    /// The calendar's `METHOD` (RFC 5546): `PUBLISH` for downloads and subscriptions, `REQUEST`
    /// for the invitation a mail carries, `CANCEL` for a cancellation.
    public enum Method: String, Sendable {
        case publish = "PUBLISH"
        case request = "REQUEST"
        case cancel = "CANCEL"
    }

    /// A globally unique `UID`: the local name of the object, `@`, the host of the instance's
    /// public address (`event-7@agora.example.org`).
    public static func uid(_ local: String, baseURL: String) -> String {
        let host = URLComponents(string: baseURL)?.host.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        return local + "@" + (host ?? "agora-sante.invalid")
    }

    public struct Event: Sendable, Equatable {
        public var uid: String
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String
        public var location: String?
        public var url: String?
        public var cancelled: Bool
        /// The revision of the event (RFC 5545 §3.8.7.4): 0, then one more at each change of its
        /// time, place, text or status.
        public var sequence: Int
        /// When the event was last changed (`LAST-MODIFIED`).
        public var lastModified: Date
        public init(
            uid: String, start: Date, end: Date, summary: String, description: String = "", location: String? = nil,
            url: String? = nil, cancelled: Bool = false, sequence: Int = 0, lastModified: Date
        ) {
            self.uid = uid; self.start = start; self.end = end; self.summary = summary; self.description = description
            self.location = location; self.url = url; self.cancelled = cancelled
            self.sequence = sequence; self.lastModified = lastModified
        }
    }

    /// Who sends an invitation and to whom (RFC 5546 wants `ORGANIZER`, and `ATTENDEE` for
    /// `REQUEST` and `CANCEL`). The organiser is the platform's sender address.
    public struct Invitation: Sendable, Equatable {
        public var organizer: String
        public var organizerName: String
        public var attendee: String
        public init(organizer: String, organizerName: String = "Agora Santé", attendee: String) {
            self.organizer = organizer; self.organizerName = organizerName; self.attendee = attendee
        }
    }

    /// The file. `method` is `PUBLISH` unless an `invitation` is given (then `REQUEST`, or
    /// `CANCEL` for a cancelled event).
    public static func calendar(
        _ events: [Event], name: String, now: Date = Date(), invitation: Invitation? = nil
    ) -> String {
        let method = method(of: events, invitation: invitation)
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Agora Santé//FR", "CALSCALE:GREGORIAN",
            "METHOD:" + method.rawValue, "X-WR-CALNAME:" + escape(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + stamp(now), "DTSTART:" + stamp(event.start),
                "DTEND:" + stamp(event.end), "SEQUENCE:" + String(max(event.sequence, 0)),
                "LAST-MODIFIED:" + stamp(event.lastModified), "SUMMARY:" + escape(event.summary),
            ]
            if let invitation {
                let commonName = invitation.organizerName.replacingOccurrences(of: "\"", with: "")
                    .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ")
                lines.append("ORGANIZER;CN=\"\(commonName)\":mailto:" + address(invitation.organizer))
                lines.append(
                    "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:" + address(invitation.attendee))
            }
            if !event.description.isEmpty { lines.append("DESCRIPTION:" + escape(event.description)) }
            if let location = event.location, !location.isEmpty { lines.append("LOCATION:" + escape(location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The `METHOD` a file with these events and this invitation has.
    public static func method(of events: [Event], invitation: Invitation?) -> Method {
        guard invitation != nil else { return .publish }
        return events.allSatisfy(\.cancelled) && !events.isEmpty ? .cancel : .request
    }

    /// An address for a `mailto:` value: no line break, no character that ends a property.
    static func address(_ email: String) -> String {
        String(email.filter { !$0.isNewline && !$0.isWhitespace && $0 != ";" && $0 != ":" && $0 != "," && $0 != "\"" })
    }

    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a character.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(character)
            count += size
        }
        return out
    }
}
