from gan_course.ui.lesson_page import render

render("05_dcgan_digits")
