import Testing
@testable import BayshCore

@Suite struct SecretTests {
    @Test func masksKeyLikeTheSDKs() {
        let secret = Secret("akm-1234567890abcdef")
        #expect(secret.masked == "akm-****cdef")
        #expect("\(secret)" == "akm-****cdef")
        #expect(String(reflecting: secret) == "akm-****cdef")
    }

    @Test func shortSecretsShowNothing() {
        #expect(Secret("abc").masked == "****")
        #expect(Secret.mask("12345678901") == "****")
    }

    @Test func redactorScrubsRegisteredValues() {
        let redactor = Redactor()
        redactor.register("tok-abcdefghijklmnop")
        #expect(redactor.redact("Bearer tok-abcdefghijklmnop here") == "Bearer tok-****mnop here")
        #expect(redactor.redact("nothing secret") == "nothing secret")
    }

    @Test func redactorScrubsJSONEscapedAndPercentEncodedCopies() {
        let redactor = Redactor()
        redactor.register("tok-ab/cd+ef=gh/ijkl")
        let json = redactor.redact(#"{"echo":"tok-ab\/cd+ef=gh\/ijkl"}"#)
        #expect(!json.contains("ab\\/cd"), "\(json)")
        let form = redactor.redact("token=tok-ab%2Fcd%2Bef%3Dgh%2Fijkl&x=1")
        #expect(!form.contains("ab%2Fcd"), "\(form)")
        #expect(form.hasSuffix("&x=1"))
    }

    @Test func headerCredentialsAreScrubbedWithAndWithoutTheirScheme() {
        let redactor = Redactor()
        redactor.register(headerValue: "Bearer sk-live-0123456789abcdef")
        #expect(redactor.redact("got Bearer sk-live-0123456789abcdef") == "got ****cdef")
        #expect(redactor.redact("token sk-live-0123456789abcdef bad") == "token sk-****cdef bad")
        redactor.register(headerValue: "plain-value-without-scheme")
        #expect(redactor.redact("x plain-value-without-scheme") == "x ****heme")
    }
}
