import Testing

@Suite("Help and demo")
struct HelpAndDemoTests {
    static let subcommands = ["backprop-input", "forward", "backprop-filter", "demo"]

    @Test("Help requests print help and exit 0", arguments: [["--help"], ["-h"], ["help"]])
    func rootHelp(_ arguments: [String]) throws {
        let result = try Workspace().run(arguments)
        #expect(result.exitedNormally && result.status == 0, "\(result)")
        #expect(result.standardError.isEmpty)
        #expect(result.standardOutput.contains("USAGE: dwconv <subcommand>"))
        for subcommand in Self.subcommands {
            #expect(result.standardOutput.contains(subcommand))
        }
    }

    @Test("Each subcommand's help has an example", arguments: subcommands)
    func subcommandHelp(_ subcommand: String) throws {
        let workspace = try Workspace()
        for arguments in [[subcommand, "--help"], [subcommand, "-h"], ["help", subcommand]] {
            let result = try workspace.run(arguments)
            #expect(result.exitedNormally && result.status == 0, "\(result)")
            #expect(result.standardError.isEmpty)
            #expect(result.standardOutput.contains("USAGE: dwconv \(subcommand)"))
            #expect(result.standardOutput.contains("Example"))
            #expect(result.standardOutput.contains("dwconv \(subcommand) --"))
            if subcommand != "demo" {
                #expect(result.standardOutput.contains("--bfloat16"))
                #expect(result.standardOutput.contains("--explicit-paddings"))
            }
        }
        #expect(try workspace.listing().isEmpty)
    }

    @Test("demo passes its checks, and its checksum does not depend on the thread count")
    func demo() throws {
        let workspace = try Workspace()
        let result = try workspace.run(["demo"])
        #expect(result.exitedNormally && result.status == 0, "\(result)")
        #expect(result.standardError.isEmpty)
        let output = result.standardOutput
        #expect(output.contains("PASS"))
        #expect(!output.contains("FAIL"))
        #expect(output.contains("[1, 56, 56, 144]"))
        #expect(output.contains(" ms "))

        let singleThreaded = try workspace.run(["demo", "--threads", "1"])
        #expect(singleThreaded.exitedNormally && singleThreaded.status == 0, "\(singleThreaded)")
        let checksum = { (text: String) in text.split(separator: "\n").first { $0.contains("checksum") } }
        #expect(checksum(output) != nil)
        #expect(checksum(output) == checksum(singleThreaded.standardOutput))
        #expect(try workspace.listing().isEmpty)
    }
}
