import Vapor

/// The pages people see when something goes wrong: plain words, what to do next, never a stack trace.
public enum ErrorPages {
    public static func response(for error: any Error, request: Request) -> Response {
        let status: HTTPStatus
        if error is CSRFError {
            status = .forbidden
        } else if let abort = error as? any AbortError {
            status = abort.status
        } else {
            status = .internalServerError
        }

        if status.code >= 500 {
            request.logger.report(error: error)
        }
        guard request.hasVisit else {
            return Response(status: status, body: .init(string: status.reasonPhrase))
        }
        let visit = request.visit
        let (title, message): (String, HTML)
        switch status.code {
        case 404:
            title = visit.t("Page introuvable", "Page not found")
            message = """
                <p>\(visit.t("Cette page n'existe pas ou n'existe plus. Vérifiez l'adresse, ou repartez de l'accueil.",
                         "This page does not exist or no longer exists. Check the address, or start again from the home page."))</p>
                """
        case 403 where error is CSRFError:
            title = visit.t("Formulaire expiré", "Form expired")
            message = """
                <p>\(visit.t("Pour votre sécurité, ce formulaire n'a pas été enregistré : il a expiré ou n'a pas pu être vérifié.",
                         "For your security, this form was not saved: it expired or could not be checked."))</p>
                <p>\(visit.t("Revenez à la page précédente (ce que vous avez écrit y est en général conservé), rechargez-la, puis envoyez le formulaire à nouveau.",
                         "Go back to the previous page (what you typed is usually still there), reload it, then send the form again."))</p>
                """
        case 403:
            title = visit.t("Accès refusé", "Access denied")
            message = """
                <p>\(visit.t("Vous n'avez pas le droit de voir cette page avec votre compte sur ce territoire.",
                         "Your account is not allowed to see this page on this territory."))</p>
                <p>\(visit.t("Si vous pensez que c'est une erreur, contactez la coordination de votre territoire.",
                         "If you think this is a mistake, contact your territory's coordination team."))</p>
                """
        case 401:
            title = visit.t("Connexion nécessaire", "Login required")
            message =
                "<p><a href=\"/connexion\">\(visit.t("Connectez-vous", "Log in"))</a> \(visit.t("pour continuer.", "to continue."))</p>"
        case 413:
            title = visit.t("Envoi trop volumineux", "Upload too large")
            message =
                "<p>\(visit.t("Ce que vous avez envoyé est trop volumineux. Réduisez la taille du fichier puis réessayez.", "What you sent is too large. Make the file smaller and try again."))</p>"
        case 429:
            title = visit.t("Trop de tentatives", "Too many attempts")
            message =
                "<p>\(visit.t("Vous avez fait trop de tentatives. Attendez quelques minutes avant de réessayer.", "Too many attempts. Wait a few minutes before trying again."))</p>"
        case 400..<500:
            title = visit.t("Demande incorrecte", "Bad request")
            message =
                "<p>\(visit.t("Cette demande n'a pas pu être traitée. Revenez à la page précédente et réessayez.", "This request could not be handled. Go back and try again."))</p>"
        default:
            title = visit.t("Erreur du serveur", "Server error")
            message = """
                <p>\(visit.t("Un problème est survenu de notre côté. Rien n'a été perdu de ce qui était déjà enregistré. Réessayez dans un instant.",
                         "Something went wrong on our side. Nothing already saved was lost. Try again in a moment."))</p>
                """
        }
        let main: HTML = """
            <h1>\(title)</h1>
            \(message)
            <p><a href="/">\(visit.t("Retour à l'accueil", "Back to the home page"))</a></p>
            """
        return request.render(WebPage(title: title, main: main, status: status))
    }
}
