import Foundation

/// iCalendar (RFC 5545) files for meetings and events: times in UTC (calendar clients show them in
/// the reader's zone), text escaped, lines folded at 75 octets, CRLF line ends.
public enum ICS {
    public struct Event: Sendable, Equatable {
        public var uid: String
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String
        public var location: String?
        public var url: String?
        public var cancelled: Bool
        public init(
            uid: String, start: Date, end: Date, summary: String, description: String = "", location: String? = nil,
            url: String? = nil, cancelled: Bool = false
        ) {
            self.uid = uid; self.start = start; self.end = end; self.summary = summary; self.description = description
            self.location = location; self.url = url; self.cancelled = cancelled
        }
    }

    public static func calendar(_ events: [Event], name: String, now: Date = Date()) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Agora Santé//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + stamp(now), "DTSTART:" + stamp(event.start),
                "DTEND:" + stamp(event.end), "SUMMARY:" + escape(event.summary),
            ]
            if !event.description.isEmpty { lines.append("DESCRIPTION:" + escape(event.description)) }
            if let location = event.location, !location.isEmpty { lines.append("LOCATION:" + escape(location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
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
