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
}
