import ArgumentParser

@main
struct Talent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talent",
        abstract: "Search and analyse talent demand in Chinese and English job postings.",
        discussion: """
            Examples:
              talent index                                   # corpus/ → index/
              talent search '数控车工 深圳 salary>=8000' --facet city
              talent directory --by skill --lang zh
              talent gaps --curriculum courses.csv --format html --output gaps.html
              talent classify 数控车工 "Senior Java Developer"
              talent analyze "招聘数控机床操作工，熟悉FANUC系统和PLC编程"
              talent serve                                   # page and API on http://127.0.0.1:8080/
            """,
        version: "0.1.0",
        subcommands: [Index.self, Search.self, Directory.self, Gaps.self, Classify.self, Analyze.self, Stats.self, Check.self, Optimize.self, Delete.self, Serve.self]
    )
}
