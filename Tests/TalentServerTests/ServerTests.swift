import Foundation
import Testing
import TestSupport

/// `talent serve` as a user's browser and scripts meet it: a child process on a free port, over the shipped
/// corpus, compared with what the CLI prints for the same request.
@Suite(.serialized)
struct ServerTests {
    /// Indexes the shipped corpus into `directory/index`.
    static func buildIndex(in directory: String) throws -> String {
        let index = directory + "/index"
        let result = try CLI.run(["index", CLI.packageRoot.appendingPathComponent("corpus").path, "--index", index],
                                 in: directory)
        #expect(result.status == 0, "talent index failed: \(result.stderr)")
        return index
    }

    static func jsonLines(_ text: String) throws -> [NSDictionary] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary)
        }
    }

    @Test("search answers what `talent search --json` prints: hits, snippets, facets, paging")
    func searchMatchesCLI() throws {
        try TemporaryDirectory.with { dir in
            let index = try Self.buildIndex(in: dir)
            let server = try RunningServer(index: index, in: dir)
            let queries = ["焊工 深圳", "\"PLC 编程\"", "welder", "機器人 -实习", "(Java OR Python) 工程师", "salary>=10000 数控"]
            for q in queries {
                for offset in [0, 3] {
                    let cli = try CLI.run(["search", q, "--index", index, "--json", "-n", "4", "--offset", "\(offset)",
                                           "--facet", "region"], in: dir)
                    #expect(cli.status == 0, "\(q): \(cli.stderr)")
                    var lines = try Self.jsonLines(cli.stdout)
                    let cliFacets = lines.popLast()?["facets"] as? NSDictionary
                    let response = try server.get("/api/search", [("q", q), ("n", "4"), ("offset", "\(offset)"),
                                                                  ("facet", "region")])
                    #expect(response.status == 200, "\(q): \(response.text)")
                    let api = try response.json()
                    let hits = try #require(api["hits"] as? [NSDictionary])
                    #expect(hits == lines, "hits of \(q) at offset \(offset)")
                    #expect(!hits.isEmpty || offset > 0, "\(q) finds nothing in the corpus")
                    #expect((api["facets"] as? NSDictionary)?["region"] as? NSArray == cliFacets?["region"] as? NSArray)
                    // The total is the number of postings the query matches: all of them as JSON lines.
                    let all = try CLI.run(["search", q, "--index", index, "--json", "-n", "1000"], in: dir)
                    #expect(api["total"] as? Int == all.stdout.split(separator: "\n").count, "total of \(q)")
                }
            }
            // The page drills down with a quoted field clause: it finds as many postings as the facet counted.
            for field in ["region", "city", "skills"] {
                let counted = try server.get("/api/search", [("q", "焊工"), ("n", "0"), ("facet", field)]).json()
                let values = try #require((counted["facets"] as? [String: Any])?[field] as? [[String: Any]])
                #expect(values.count >= 3)
                for v in values.prefix(3) {
                    let value = try #require(v["value"] as? String)
                    let drilled = try server.get("/api/search", [("q", "焊工 \(field):\"\(value)\""), ("n", "0")]).json()
                    #expect(drilled["total"] as? Int == v["count"] as? Int, "焊工 \(field):\"\(value)\"")
                }
            }

            // Options the CLI has as flags.
            let cli = try CLI.run(["search", "可编程控制器", "--index", index, "--json", "--no-expand", "--match", "all"], in: dir)
            let api = try server.get("/api/search", [("q", "可编程控制器"), ("expand", "false"), ("match", "all")]).json()
            #expect(api["hits"] as? [NSDictionary] == (try Self.jsonLines(cli.stdout)))
        }
    }

    @Test("directory, gaps and classify answer what the commands print with --format json / --json")
    func reportsMatchCLI() throws {
        try TemporaryDirectory.with { dir in
            let index = try Self.buildIndex(in: dir)
            let server = try RunningServer(index: index, in: dir)

            let directory = try CLI.run(["directory", "--by", "skill", "--where", "region:深圳 OR 焊工", "--since", "2025-02",
                                         "--top", "8", "--format", "json", "--lang", "zh", "--index", index], in: dir)
            #expect(directory.status == 0, "\(directory.stderr)")
            let apiDirectory = try server.get("/api/directory", [("by", "skill"), ("where", "region:深圳 OR 焊工"),
                                                                 ("since", "2025-02"), ("top", "8"), ("lang", "zh")])
            #expect(apiDirectory.status == 200)
            #expect(apiDirectory.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(try apiDirectory.json() as NSDictionary
                    == (try JSONSerialization.jsonObject(with: Data(directory.stdout.utf8)) as? NSDictionary))

            let curriculum = "PLC编程\n焊接\nwelding\n机器视觉\nSolidWorks\n"
            try curriculum.write(toFile: dir + "/skills.txt", atomically: false, encoding: .utf8)
            let gaps = try CLI.run(["gaps", "--curriculum", dir + "/skills.txt", "--format", "json", "--lang", "en",
                                    "--top", "10", "--index", index], in: dir)
            #expect(gaps.status == 0, "\(gaps.stderr)")
            var apiGaps = try server.request("POST", "/api/gaps?type=list&lang=en&top=10", body: Array(curriculum.utf8))
            #expect(apiGaps.status == 200, "\(apiGaps.text)")
            var cliObject = try #require(try JSONSerialization.jsonObject(with: Data(gaps.stdout.utf8)) as? [String: Any])
            var apiObject = try apiGaps.json()
            // The report names the curriculum's file; the API's has none.
            for key in ["facts"] {
                var c = cliObject[key] as? [String: Any]
                var a = apiObject[key] as? [String: Any]
                c?["curriculum"] = nil
                a?["curriculum"] = nil
                cliObject[key] = c
                apiObject[key] = a
            }
            #expect(apiObject as NSDictionary == cliObject as NSDictionary)

            // The HTML report is the page the command writes: one self-contained file with its charts.
            apiGaps = try server.request("POST", "/api/gaps?format=html&lang=zh", body: Array(curriculum.utf8))
            #expect(apiGaps.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(apiGaps.text.contains("<svg") && !apiGaps.text.contains("<script"))

            let titles = ["数控车工", "招聘電焊工（包吃住）", "Senior Java Developer"]
            let classify = try CLI.run(["classify", "--json"] + titles, in: dir)
            let apiClassify = try server.get("/api/classify", titles.map { ("title", $0) } + [("n", "1")]).json()
            #expect(apiClassify["results"] as? [NSDictionary] == (try Self.jsonLines(classify.stdout)))

            let analyzed = try server.get("/api/analyze", [("text", "熟悉西門子PLC編程和焊接")]).json()
            let skills = (analyzed["skills"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(skills.contains("plc") && skills.contains("welding"), "\(skills)")
            let terms = (analyzed["tokens"] as? [[String: Any]] ?? []).compactMap { $0["term"] as? String }
            #expect(terms.contains("西门子"), "Traditional folded: \(terms)")
        }
    }

    @Test("errors are JSON with the right status; limits and traversal are refused")
    func errorsAndLimits() throws {
        try TemporaryDirectory.with { dir in
            let index = try Self.buildIndex(in: dir)
            let server = try RunningServer(index: index, in: dir)

            let syntax = try server.get("/api/search", [("q", "title:\"PLC 编程")])
            #expect(syntax.status == 400)
            #expect((try syntax.json()["error"] as? String)?.contains("column 7: unclosed quote") == true, "\(syntax.text)")
            let cases: [(String, [(String, String)], Int, String)] = [
                ("/api/search", [("q", "焊工"), ("n", "-1")], 400, "n must be"),
                ("/api/search", [("q", "焊工"), ("n", "ten")], 400, "whole number"),
                ("/api/search", [("q", "焊工"), ("facet", "password")], 400, "not a facet field"),
                ("/api/search", [("q", "焊工"), ("match", "most")], 400, "all or any"),
                ("/api/directory", [("by", "colour")], 400, "by must be one of"),
                ("/api/directory", [("since", "2025-13")], 400, "expected a date"),
                ("/api/directory", [("where", "(焊工")], 400, "unclosed parenthesis"),
                ("/api/classify", [], 400, "give job titles"),
                ("/api/analyze", [], 400, "give the text"),
            ]
            for (path, parameters, status, message) in cases {
                let r = try server.get(path, parameters)
                #expect(r.status == status, "\(path) \(parameters): \(r.status) \(r.text)")
                #expect(r.headers["content-type"]?.hasPrefix("application/json") == true)
                #expect((try r.json()["error"] as? String)?.contains(message) == true, "\(path) \(parameters): \(r.text)")
            }
            // A curriculum naming no skill: the report cannot be made, and the reason says so.
            let empty = try server.request("POST", "/api/gaps", body: Array("茶艺\n插花\n".utf8))
            #expect(empty.status == 422)
            #expect((try empty.json()["error"] as? String)?.contains("skill") == true, "\(empty.text)")

            // Limits: a 2 MB body, a 20 kB query.
            let big = try server.request("POST", "/api/gaps", body: [UInt8](repeating: 65, count: 2 << 20))
            #expect(big.status == 413, "\(big.text)")
            let long = try server.get("/api/search", [("q", String(repeating: "焊工 ", count: 2000))])
            #expect(long.status == 414, "\(long.text)")

            // No parameter or path reaches a file outside the page's table.
            for target in ["/../Package.swift", "/app.js/../../Package.swift", "/%2e%2e/%2e%2e/etc/passwd",
                           "/..%2f..%2fPackage.swift", "//etc/passwd", "/index.html/..", "/api/search/../../../etc/passwd"] {
                let r = try server.request("GET", target)
                #expect(r.status == 404, "\(target): \(r.status)")
                #expect(!r.text.contains("swift-tools-version") && !r.text.contains("root:"), "\(target)")
            }
            let traversal = try server.get("/api/search", [("q", "../../etc/passwd"), ("facet", "../../etc/passwd")])
            #expect(traversal.status == 400 && !traversal.text.contains("root:"))

            let health = try server.request("GET", "/healthz")
            #expect(health.status == 200)
            #expect(try health.json()["documents"] as? Int == 354)
            let page = try server.request("GET", "/")
            #expect(page.status == 200 && page.text.contains("<script src=\"/app.js\"></script>"))
            #expect(try server.request("GET", "/app.js").headers["content-type"]?.hasPrefix("text/javascript") == true)

            // A second server on the same port says so in one sentence.
            let clash = try CLI.run(["serve", "--index", index, "--port", "\(server.port)"], in: dir)
            #expect(clash.status != 0)
            #expect(clash.stderr.contains("127.0.0.1:\(server.port) is already in use"), "\(clash.stderr)")

            // Without an index the server starts, says so, and serves once one is built.
            let waiting = try RunningServer(index: dir + "/later", in: dir)
            let unavailable = try waiting.get("/api/search", [("q", "焊工")])
            #expect(unavailable.status == 503)
            #expect((try unavailable.json()["error"] as? String)?.contains("talent index") == true)
        }
    }

    @Test("a commit made while serving is read by the next request")
    func picksUpNewCommit() throws {
        try TemporaryDirectory.with { dir in
            let index = try Self.buildIndex(in: dir)
            let server = try RunningServer(index: index, in: dir)
            let before = try server.request("GET", "/healthz").json()
            #expect(try server.get("/api/search", [("q", "xylophonist")]).json()["total"] as? Int == 0)

            try #"{"id":"new-1","title":"Xylophonist 氢燃料电池堆装配工","description":"负责电堆装配与气密检测","region":"上海"}"#
                .write(toFile: dir + "/new.jsonl", atomically: false, encoding: .utf8)
            let added = try CLI.run(["index", dir + "/new.jsonl", "--index", index], in: dir)
            #expect(added.status == 0, "\(added.stderr)")

            let after = try server.request("GET", "/healthz").json()
            #expect((after["generation"] as? Int ?? 0) > (before["generation"] as? Int ?? 0))
            let found = try server.get("/api/search", [("q", "xylophonist")]).json()
            #expect((found["hits"] as? [[String: Any]])?.first?["id"] as? String == "new-1")
            #expect(found["generation"] as? Int == after["generation"] as? Int)
        }
    }

    @Test("the page shows results and facets in a real browser", .enabled(if: Browser.path != nil,
        "no headless browser: install Debian's chromium (apt-get install chromium) to run this test"))
    func browserRendersResultsAndFacets() throws {
        try TemporaryDirectory.with { dir in
            let index = try Self.buildIndex(in: dir)
            let server = try RunningServer(index: index, in: dir)
            let query = "焊工 深圳"
            let api = try server.get("/api/search", [("q", query), ("n", "10"), ("facet", "city")]).json()
            let ids = (api["hits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.count == 10)

            // The address the page itself makes when the query is typed and submitted.
            let url = "http://127.0.0.1:\(server.port)/?q=\(RunningServer.encode(query))&lang=zh"
            let screenshot = dir + "/search.png"
            let dom = try Browser.render(url, screenshot: screenshot, in: dir)

            // Results in the API's order, each with its highlighted title.
            let shown = dom.matches(of: /<li data-id="([^"]+)"/).map { String($0.1) }
            #expect(shown == ids, "DOM: \(dom.prefix(2000))")
            #expect(dom.contains("<mark>"))
            #expect(dom.contains("共 \(api["total"] as? Int ?? -1) 条匹配职位"))
            // The city facet with its first value and count.
            let top = try #require(((api["facets"] as? [String: Any])?["city"] as? [[String: Any]])?.first)
            let facet = try #require(dom.firstRange(of: "data-facet=\"city\"").map { dom[$0.lowerBound...] })
            #expect(facet.contains(">\(top["value"] as! String)</a><span class=\"count\">\(top["count"] as! Int)</span>"),
                    "\(facet.prefix(600))")
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

            // The directory view shows the report's charts.
            let directory = try Browser.render("http://127.0.0.1:\(server.port)/?view=directory&by=skill&lang=en", in: dir)
            #expect(directory.contains("id=\"directory-frame\""))
            #expect(directory.contains("srcdoc="), "the directory report was not loaded into the frame")
        }
    }
}
