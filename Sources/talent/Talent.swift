import ArgumentParser

@main
struct Talent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talent",
        abstract: "Search and analyse talent demand in Chinese and English job postings.",
        discussion: """
            Examples:
              talent analyze "招聘数控机床操作工，熟悉FANUC系统和PLC编程"
              talent analyze --json "Senior CNC Machinist (5-axis), knows Siemens S7-1200 PLC"
            """,
        version: "0.1.0",
        subcommands: [Index.self, Search.self, Directory.self, Gaps.self, Classify.self, Analyze.self, Stats.self, Check.self, Optimize.self, Delete.self]
    )
}
