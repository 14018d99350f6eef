import Core
import Foundation

/// The addresses of a registration, signed so that nobody can guess another's: the person's
/// page (its QR code for the check-in, its cancel button) and the organiser's check-in page.
public struct EventLinks: Sendable {
    public let baseURL: String
    public let slug: String
    public let eventID: Int
    public let registrationID: Int
    public let signer: Signer

    public static func token(registrationID: Int, purpose: String, signer: Signer) -> String {
        signer.signature("registration-\(registrationID)", purpose: purpose)
    }
    public static func verify(registrationID: Int, token: String, purpose: String, signer: Signer) -> Bool {
        signer.verify("registration-\(registrationID)", signature: token, purpose: purpose)
    }

    public var minePath: String {
        EventsPaths.mine.link(
            slug, registrationID,
            Self.token(registrationID: registrationID, purpose: "event-registration", signer: signer))
    }
    public var checkInPath: String {
        EventsPaths.checkIn.link(
            slug, eventID, registrationID,
            Self.token(registrationID: registrationID, purpose: "event-checkin", signer: signer))
    }
    public var mine: String { baseURL + minePath }
    public var checkIn: String { baseURL + checkInPath }
    public var ics: String { baseURL + EventsPaths.ics.link(slug, eventID) }
}
