import Core
import Testing
@testable import Proposals

@Suite("Actions and milestones")
struct ActionRulesTests {
    @Test func progressIsAWholePercentAsPeopleTypeIt() {
        #expect(ActionInput.Progress.parse("30") == 30)
        #expect(ActionInput.Progress.parse(" 30 % ") == 30)
        #expect(ActionInput.Progress.parse("100%") == 100)
        #expect(ActionInput.Progress.parse("0") == 0)
        for bad in ["150", "-1", "trente", "", "12.5", "%"] {
            #expect(ActionInput.Progress.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func anActionNeedsATitleAndABoundedProgress() {
        guard
            case .failure(let box) = ActionInput.validate(
                fields: ["title": "  ", "progress": "150", "lead": String(repeating: "x", count: 161)], lang: .fr)
        else { Issue.record("a bad action passed"); return }
        #expect(box.errors.fields == ["title", "lead", "progress"])
        #expect(box.errors["title"] == "Donnez un titre à l'action.")
        guard
            case .success(let input) = ActionInput.validate(
                fields: ["title": " Bancs ", "progress": "40 %"], lang: .fr)
        else { Issue.record("a good action failed"); return }
        #expect(input == ActionInput(title: "Bancs", lead: "", description: "", progress: 40))
    }

    @Test func aMilestoneDueDayMustBeARealDay() {
        guard
            case .failure(let box) = MilestoneInput.validate(
                fields: ["milestone": "Pose", "due_on": "2027-02-30"], lang: .fr)
        else { Issue.record("30 February passed"); return }
        #expect(box.errors["due_on"]?.hasPrefix("Indiquez une date valide") == true)
        #expect(
            MilestoneInput.validate(fields: ["milestone": "Pose", "due_on": "2028-02-29"], lang: .fr)
                == .success(MilestoneInput(title: "Pose", dueOn: "2028-02-29")))
        #expect(
            MilestoneInput.validate(fields: ["milestone": "Pose", "due_on": ""], lang: .fr)
                == .success(MilestoneInput(title: "Pose", dueOn: nil)))
        guard case .failure(let empty) = MilestoneInput.validate(fields: ["milestone": ""], lang: .en) else {
            Issue.record("an empty milestone passed"); return
        }
        #expect(empty.errors["milestone"] == "Describe the milestone in a few words.")
    }

    @Test func linkingChoosesAnExistingActionOrNamesANewOne() {
        #expect(ActionChoice.validate(fields: ["action": "12"], lang: .fr) == .success(.existing(12)))
        #expect(
            ActionChoice.validate(fields: ["action": "new", "new_title": " Bancs "], lang: .fr)
                == .success(.new(title: "Bancs")))
        for bad: [String: String] in [["action": "new", "new_title": ""], ["action": "abc"], ["action": "-3"], [:]] {
            guard case .failure = ActionChoice.validate(fields: bad, lang: .fr) else {
                Issue.record("\(bad) passed"); continue
            }
        }
    }
}
