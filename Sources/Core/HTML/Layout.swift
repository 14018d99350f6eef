import Vapor

/// A page ready to be laid out: a title, the main content, and what it needs.
public struct WebPage: Sendable {
    public var title: String
    public var main: HTML
    public var status: HTTPStatus
    /// Names of scripts from Public/ that add comfort to this page (never needed for it to work).
    public var scripts: [String]
    /// Whether the page reports form errors: the title then starts with "Erreur".
    public var hasErrors: Bool

    public init(title: String, main: HTML, status: HTTPStatus = .ok, scripts: [String] = [], hasErrors: Bool = false) {
        self.title = title; self.main = main; self.status = status; self.scripts = scripts; self.hasErrors = hasErrors
    }
}

/// The one layout of the platform: skip link, header with navigation by role, language switch,
/// main content with flash message, footer with the legal pages.
public enum Layout {
    public static func render(_ page: WebPage, visit: Visit, services: AgoraServices) -> HTML {
        let lang = visit.lang
        let assets = services.assets
        let title = (page.hasErrors ? visit.t("Erreur : ", "Error: ") : "") + page.title + " · Agora Santé"
        let scripts = page.scripts.compactMap { assets.url(for: $0) }.map { src -> HTML in
            "<script src=\"\(src)\" defer></script>"
        }
        var nav: [HTML] = []
        if let territory = visit.territory {
            nav.append(
                navLink(
                    href: "/\(territory.slug)", label: visit.t("Accueil du territoire", "Territory home"), visit: visit)
            )
        }
        for entry in services.navigation {
            if let href = entry.link(visit) {
                nav.append(navLink(href: href, label: visit.t(entry.label), visit: visit))
            }
        }
        nav.append(navLink(href: "/", label: visit.t("Territoires", "Territories"), visit: visit))

        let account: HTML
        if let viewer = visit.viewer {
            account = """
                <a href="/compte" class="account-link">\(visit.t("Mon compte", "My account"))<span class="visually-hidden"> (\(viewer.displayName))</span></a>\
                \(Form.button(action: "/deconnexion", label: visit.t("Se déconnecter", "Log out"), visit: visit, cssClass: "link-button"))
                """
        } else {
            account = """
                <a href="/connexion">\(visit.t("Se connecter", "Log in"))</a>\
                <a href="/inscription">\(visit.t("Créer un compte", "Sign up"))</a>
                """
        }
        let flash: HTML =
            visit.flash.map { flash in
                "<div class=\"flash flash-\(flash.kind.rawValue)\" role=\"status\"><p>\(flash.message)</p></div>"
            } ?? .empty
        let territoryBadge: HTML = visit.territory.map { "<span class=\"brand-territory\">\($0.name)</span>" } ?? .empty
        let other = lang.other

        return """
            <!DOCTYPE html>
            <html lang="\(lang.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <link rel="stylesheet" href="\(assets.url(for: "app.css") ?? "/static/app.css")">
            <link rel="icon" href="\(assets.url(for: "favicon.svg") ?? "/static/favicon.svg")" type="image/svg+xml">
            \(each: scripts)
            </head>
            <body>
            <a class="skip-link" href="#contenu">\(visit.t("Aller au contenu", "Skip to content"))</a>
            <header class="site-header">
            <div class="wrap header-inner">
            <p class="brand"><a href="/">Agora Santé</a>\(territoryBadge)</p>
            <nav aria-label="\(visit.t("Navigation principale", "Main navigation"))"><ul class="nav">\(each: nav)</ul></nav>
            <div class="account">\(account)<a href="\(visit.otherLanguageLink)" lang="\(other.rawValue)" hreflang="\(other.rawValue)">\(other.endonym)</a></div>
            </div>
            </header>
            <main id="contenu" tabindex="-1" class="wrap">
            \(flash)\(page.main)
            </main>
            <footer class="site-footer">
            <div class="wrap">
            <ul class="footer-links">
            <li><a href="/accessibilite">\(visit.t("Accessibilité : partiellement conforme", "Accessibility: partially compliant"))</a></li>
            <li><a href="/mentions-legales">\(visit.t("Mentions légales", "Legal notice"))</a></li>
            <li><a href="/confidentialite">\(visit.t("Données personnelles", "Privacy notice"))</a></li>
            <li><a href="/conditions">\(visit.t("Conditions d'utilisation", "Terms of use"))</a></li>
            </ul>
            <p>\(visit.t("Agora Santé — la démocratie en santé sur votre territoire.", "Agora Santé — health democracy on your territory."))</p>
            </div>
            </footer>
            </body>
            </html>
            """
    }

    private static func navLink(href: String, label: String, visit: Visit) -> HTML {
        let current: HTML = visit.path == href ? " aria-current=\"page\"" : ""
        return "<li><a href=\"\(href)\"\(current)>\(label)</a></li>"
    }
}

extension HTML: AsyncResponseEncodable {
    public func encodeResponse(for request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: rendered))
    }
}

extension HTTPMediaType {
    public static let htmlUTF8 = HTTPMediaType(type: "text", subType: "html", parameters: ["charset": "utf-8"])
}

extension Request {
    /// Lays out a page for this visit.
    public func render(_ page: WebPage) -> Response {
        let html = Layout.render(page, visit: visit, services: agora)
        var headers = HTTPHeaders()
        headers.contentType = .htmlUTF8
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: page.status, headers: headers, body: .init(string: html.rendered))
    }

    /// A 303 redirect (the right answer to a successful form), with an optional flash message.
    public func redirect(to path: String, flash: Flash) -> Response {
        self.flash(flash.kind, flash.message)
        return redirect(to: path, redirectType: .normal)
    }
}

/// Small view helpers shared by every room.
public enum View {
    /// A text as paragraphs (blank lines separate them; single line breaks are kept).
    public static func paragraphs(_ text: String) -> HTML {
        let blocks = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        return HTML.join(
            blocks.map { block in
                "<p>\(HTML.join(block.split(separator: "\n").map { "\(String($0))" as HTML }, separator: "<br>"))</p>"
            })
    }

    /// "← Page précédente · Page 3 sur 40 · Page suivante →"; `link(n)` is the address of page n.
    public static func pager(page: Int, pages: Int, visit: Visit, link: (Int) -> String) -> HTML {
        var items: [HTML] = []
        if page > 1 {
            items.append(
                "<li><a href=\"\(link(page - 1))\" rel=\"prev\">\(visit.t("← Page précédente", "← Previous page"))</a></li>"
            )
        }
        items.append(
            "<li aria-current=\"page\">\(visit.t("Page \(page) sur \(pages)", "Page \(page) of \(pages)"))</li>")
        if page < pages {
            items.append(
                "<li><a href=\"\(link(page + 1))\" rel=\"next\">\(visit.t("Page suivante →", "Next page →"))</a></li>")
        }
        return
            "<nav aria-label=\"\(visit.t("Pages de résultats", "Result pages"))\"><ul class=\"pagination\">\(each: items)</ul></nav>"
    }

    /// A data table with a caption; cells are already HTML.
    public static func table(caption: String, headers: [String], rows: [[HTML]], numericColumns: Set<Int> = []) -> HTML
    {
        func numeric(_ index: Int) -> HTML { numericColumns.contains(index) ? " class=\"num\"" : .empty }
        let head = headers.enumerated().map { index, header -> HTML in
            "<th scope=\"col\"\(numeric(index))>\(header)</th>"
        }
        let body = rows.map { row -> HTML in
            let cells = row.enumerated().map { index, cell -> HTML in
                if index == 0 { return "<th scope=\"row\">\(cell)</th>" }
                return "<td\(numeric(index))>\(cell)</td>"
            }
            return "<tr>\(each: cells)</tr>"
        }
        return """
            <div class="table-wrap" tabindex="0" role="region" aria-label="\(caption)"><table><caption>\(caption)</caption>\
            <thead><tr>\(each: head)</tr></thead><tbody>\(each: body)</tbody></table></div>
            """
    }

    /// A number written the French way (narrow no-break space between thousands).
    public static func number(_ value: Int, lang: Lang) -> String {
        let digits = String(abs(value))
        var groups: [String] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(String(digits[start..<end]), at: 0)
            end = start
        }
        let separator = lang == .fr ? "\u{202F}" : ","
        return (value < 0 ? "−" : "") + groups.joined(separator: separator)
    }
}
